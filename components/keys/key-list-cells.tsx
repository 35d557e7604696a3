import Link from "next/link";
import { DateTime } from "@/components/ui/date-time";
import { formatCompact, formatInteger, formatUsd } from "@/components/usage/format";
import { UsageSparkline } from "@/components/usage/usage-sparkline";
import type { KeyListRow } from "@/lib/keys/list-view";
import type { WeeklyUsage } from "@/lib/usage/chart-series";
import { KeyPrefix, StatusBadge } from "./key-badges";
import { expiresSoon } from "./policy-format";

// The parts of a key's row that the table (sm and up) and the phone cards both show.

const linkClass =
  "rounded underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900";

/** The name, truncated with the full name in its title; the prefix beside it when another listed key has the same name. */
export function KeyNameLink({ row }: { row: KeyListRow }) {
  const { key } = row;
  return (
    <span className="flex min-w-0 items-baseline gap-2">
      <Link href={`/dashboard/keys/${key.id}`} title={key.name} className={`min-w-0 truncate font-medium text-zinc-900 ${linkClass}`}>
        {key.name}
      </Link>
      {row.nameCollides && (
        <span className="shrink-0" data-name-prefix="">
          <KeyPrefix prefix={key.prefix} />
        </span>
      )}
    </span>
  );
}

/** The status badge and what it means for calls now: expiry, budget (in the badge), rate-limit refusals, a successor. */
export function KeyStatus({ row, now }: { row: KeyListRow; now: number }) {
  const { key, limit, successor } = row;
  const rateLimited = limit?.refusals.rateLimit ?? 0;
  return (
    <span className="flex flex-col items-start gap-0.5">
      <StatusBadge keyView={key} now={now} limitState={limit} />
      {/* A distant expiry is not news, but still worth a line under the badge. */}
      {key.status === "active" && key.expires_at && !key.replaced_by && !expiresSoon(key.expires_at, now) && (
        <span className="text-xs text-zinc-500">
          Until <DateTime iso={key.expires_at} />
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
            {successor.prefix}…
          </Link>
        </span>
      )}
    </span>
  );
}

export function KeyLastUsed({ iso }: { iso: string | null }) {
  return iso ? <DateTime iso={iso} withTime /> : <span className="text-zinc-500">Never</span>;
}

export function WeeklyUsageCell({ usage }: { usage: WeeklyUsage | undefined }) {
  if (!usage || usage.requests === 0) return <span className="text-zinc-500">No requests</span>;
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

export function KeyCost({ row }: { row: KeyListRow }) {
  return <span className={row.costUsd > 0 ? "text-zinc-900 tabular-nums" : "text-zinc-500 tabular-nums"}>{formatUsd(row.costUsd)}</span>;
}
