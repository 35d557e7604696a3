import { Badge } from "@/components/ui/badge";
import { formatTimestamp } from "@/components/ui/date-time";
import type { KeyView } from "@/lib/keys/service";
import type { KeyLimitState } from "@/lib/usage/key-state";
import { expiresSoon, formatRelative } from "./policy-format";

export function EnvironmentBadge({ environment }: { environment: KeyView["environment"] }) {
  // Test keys stand out in amber, as test mode does in payment consoles.
  return environment === "test" ? <Badge tone="warning">test</Badge> : <Badge tone="neutral">live</Badge>;
}

const statusTone = { active: "success", disabled: "warning", revoked: "danger", expired: "neutral" } as const;
const statusLabel = { active: "Active", disabled: "Disabled", revoked: "Revoked", expired: "Expired" } as const;

/** "Jan 1": the day, in UTC like every date on the dashboard. */
export const formatMonthDay = (d: Date) => d.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

/**
 * Active, disabled, revoked or expired; an active key that stops working soon (rolled, or
 * expiring within a week) is amber and says when, so nobody is surprised by a key that is about
 * to stop. An active key whose monthly budget is spent gets 402 on every call, so it says
 * "Budget reached" in red, and until when, instead of "Active".
 * Rendered on the server at request time, so the relative time is as fresh as the page.
 */
export function StatusBadge({
  keyView,
  now = Date.now(),
  limitState = null,
}: {
  keyView: Pick<KeyView, "status" | "expires_at" | "replaced_by">;
  now?: number;
  limitState?: Pick<KeyLimitState, "budgetReached" | "resetsAt"> | null;
}) {
  const { status, expires_at, replaced_by } = keyView;
  if (status === "active" && limitState?.budgetReached) {
    return (
      <span className="inline-flex flex-col items-start gap-0.5">
        <Badge tone="danger" dot title={`Monthly budget spent; calls get 402 until ${formatTimestamp(limitState.resetsAt.toISOString())}`}>
          Budget reached
        </Badge>
        <span className="text-xs text-red-700">402 until {formatMonthDay(limitState.resetsAt)}</span>
      </span>
    );
  }
  if (status === "active" && expires_at && (replaced_by || expiresSoon(expires_at, now))) {
    const when = formatRelative(expires_at, now);
    return (
      <Badge tone="warning" dot title={`Stops working ${formatTimestamp(expires_at)}`}>
        {replaced_by ? `Rolled · expires ${when}` : `Expires ${when}`}
      </Badge>
    );
  }
  return (
    <Badge
      tone={statusTone[status]}
      dot
      title={expires_at ? `${status === "expired" ? "Expired" : "Expires"} ${formatTimestamp(expires_at)}` : undefined}
    >
      {status === "expired" && replaced_by ? "Rolled · expired" : statusLabel[status]}
    </Badge>
  );
}

/** The visible part of a key, never more: e.g. `ne_live_abc123…`. */
export function KeyPrefix({ prefix }: { prefix: string }) {
  return <code className="font-mono text-[13px] text-zinc-700">{prefix}…</code>;
}
