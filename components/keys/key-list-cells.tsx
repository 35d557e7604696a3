import Link from "next/link";
import { DateTime } from "@/components/ui/date-time";
import { formatCompact, formatInteger, formatUsd } from "@/components/usage/format";
import { UsageSparkline } from "@/components/usage/usage-sparkline";
import type { KeyListItem } from "@/lib/keys/list-item";
import { StatusBadge } from "./key-badges";
import { expiresSoon } from "./policy-format";

// The parts of a key's row in the keys list, from the compact item the server sends for it;
// the classes without utilities in them are in keys-list.css.

const linkClass =
  "rounded underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900";

/** The name, truncated with the full name in its title; the prefix beside it when another listed key has the same name. */
export function KeyNameLink({ item }: { item: KeyListItem }) {
  return (
    <span className="key-name">
      <Link href={`/dashboard/keys/${item.id}`} title={item.name}>
        {item.name}
      </Link>
      {item.nameCollides && <code data-name-prefix="">{`${item.prefix}…`}</code>}
    </span>
  );
}

/** The status badge and what it means for calls now: expiry, budget (in the badge), rate-limit refusals, a successor. */
export function KeyStatus({ item, now }: { item: KeyListItem; now: number }) {
  const { successor, rateLimited = 0 } = item;
  const expiresAt = item.expires_at ?? null;
  const budget = item.budgetResetsAt ? { budgetReached: true, resetsAt: new Date(item.budgetResetsAt) } : null;
  return (
    <span className="flex flex-col items-start gap-0.5">
      <StatusBadge
        keyView={{ status: item.status, expires_at: expiresAt, replaced_by: item.replaced_by ?? null }}
        now={now}
        limitState={budget}
      />
      {/* A distant expiry is not news, but still worth a line under the badge. */}
      {item.status === "active" && expiresAt && !item.replaced_by && !expiresSoon(expiresAt, now) && (
        <span className="text-xs text-zinc-500">
          Until <DateTime iso={expiresAt} />
        </span>
      )}
      {rateLimited > 0 && (
        <span className="text-xs text-amber-800" title="Calls refused with 429 by this key's rate limits in the last 24 hours">
          {formatInteger(rateLimited)} rate-limited today
        </span>
      )}
      {successor && (
        <span className="max-w-full truncate text-xs text-zinc-600">
          Replaced by{" "}
          <Link href={`/dashboard/keys/${successor.id}`} className={`font-mono text-zinc-800 underline ${linkClass}`}>
            {`${successor.prefix}…`}
          </Link>
        </span>
      )}
    </span>
  );
}

export function KeyLastUsed({ iso }: { iso: string | undefined }) {
  return iso ? <DateTime iso={iso} withTime /> : <span className="muted">Never</span>;
}

export function WeeklyUsageCell({ usage }: { usage: KeyListItem["usage"] }) {
  if (!usage) return <span className="muted">No requests</span>;
  return (
    <span className="flex items-center gap-3">
      <UsageSparkline values={usage.perDay} />
      <span className="leading-tight">
        <span className="block text-zinc-900 tabular-nums">
          {formatInteger(usage.requests)} <span className="text-zinc-500">req</span>
        </span>
        <span className="block text-xs text-zinc-500 tabular-nums">{formatCompact(usage.tokens)} tokens</span>
      </span>
    </span>
  );
}

export function KeyCost({ usd = 0 }: { usd: number | undefined }) {
  return <span className={usd > 0 ? "text-zinc-900 tabular-nums" : "muted tabular-nums"}>{formatUsd(usd)}</span>;
}
