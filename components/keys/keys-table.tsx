import Link from "next/link";
import { DateTime } from "@/components/ui/date-time";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import type { KeyView } from "@/lib/keys/service";
import { cn } from "@/components/ui/cn";
import { formatCompact, formatInteger } from "@/components/usage/format";
import { UsageSparkline } from "@/components/usage/usage-sparkline";
import type { WeeklyUsage } from "@/lib/usage/chart-series";
import { EnvironmentBadge, KeyPrefix, StatusBadge } from "./key-badges";
import { KeyRowActions } from "./key-row-actions";
import { expiresSoon } from "./policy-format";

// Server-rendered: the first paint already has the rows, no client fetch.
// The name links to the key's usage page; its creation date sits under it to save a column.
// On phones the table scrolls inside its box.

export function KeysTable({ keys, usage = {} }: { keys: KeyView[]; usage?: Record<string, WeeklyUsage> }) {
  // One clock for every row, so two keys expiring together read the same.
  const now = Date.now();
  return (
    <Table className="sm:min-w-[40rem]">
      <caption className="sr-only">API keys</caption>
      <KeysTableHead />
      <TBody>
        {keys.map((k) => (
          <TR key={k.id} data-key-id={k.id} className={cn(k.status !== "active" && "bg-zinc-50/60 text-zinc-500")}>
            <TD className="max-w-[10rem] sm:max-w-[16rem]">
              <Link
                href={`/dashboard/keys/${k.id}`}
                title={k.name}
                className="block truncate rounded font-medium text-zinc-900 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900"
              >
                {k.name}
              </Link>
              <span className="hidden truncate text-xs text-zinc-500 sm:block">
                Created <DateTime iso={k.created_at} />
              </span>
            </TD>
            <TD>
              {/* The environment sits with the prefix it is part of, which leaves room for usage. */}
              <span className="flex items-center gap-2">
                <KeyPrefix prefix={k.prefix} />
                <EnvironmentBadge environment={k.environment} />
              </span>
            </TD>
            <TD>{k.last_used_at ? <DateTime iso={k.last_used_at} withTime /> : <span className="text-zinc-500">Never</span>}</TD>
            <TD>
              <WeeklyUsageCell usage={usage[k.id]} />
            </TD>
            <TD className="hidden sm:table-cell">
              <StatusBadge keyView={k} now={now} />
              {/* A distant expiry is not news, but still worth a line under the badge. */}
              {k.status === "active" && k.expires_at && !k.replaced_by && !expiresSoon(k.expires_at, now) && (
                <span className="mt-0.5 block text-xs text-zinc-500">
                  Until <DateTime iso={k.expires_at} />
                </span>
              )}
            </TD>
            <TD className="w-0 pr-2 text-right">
              <KeyRowActions keyView={k} />
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}

function WeeklyUsageCell({ usage }: { usage: WeeklyUsage | undefined }) {
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

/** Shared with the loading skeleton, so the columns never jump when the data arrives. */
export function KeysTableHead() {
  return (
    <THead>
      <tr>
        <TH>Name</TH>
        <TH>Key</TH>
        <TH>Last used</TH>
        <TH>7-day usage</TH>
        <TH className="hidden sm:table-cell">Status</TH>
        <TH>
          <span className="sr-only">Actions</span>
        </TH>
      </tr>
    </THead>
  );
}
