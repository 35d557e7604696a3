import { Badge } from "@/components/ui/badge";
import type { KeyView } from "@/lib/keys/service";

export function EnvironmentBadge({ environment }: { environment: KeyView["environment"] }) {
  // Test keys stand out in amber, as test mode does in payment consoles.
  return environment === "test" ? <Badge tone="warning">test</Badge> : <Badge tone="neutral">live</Badge>;
}

const statusTone = { active: "success", revoked: "danger", expired: "neutral" } as const;
const statusLabel = { active: "Active", revoked: "Revoked", expired: "Expired" } as const;

export function StatusBadge({ status }: { status: KeyView["status"] }) {
  return (
    <Badge tone={statusTone[status]} dot>
      {statusLabel[status]}
    </Badge>
  );
}

/** The visible part of a key, never more: e.g. `ne_live_abc123…`. */
export function KeyPrefix({ prefix }: { prefix: string }) {
  return <code className="font-mono text-[13px] text-zinc-700">{prefix}…</code>;
}
