import { DateTime } from "@/components/ui/date-time";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { cn } from "@/components/ui/cn";
import type { KeyListRow } from "@/lib/keys/list-view";
import { EnvironmentBadge, KeyPrefix } from "./key-badges";
import { KeyCards } from "./key-cards";
import { KeyCost, KeyLastUsed, KeyNameLink, KeyStatus, WeeklyUsageCell } from "./key-list-cells";
import { KeyRowActions } from "./key-row-actions";

// Server-rendered: the first paint already has the rows, no client fetch. From sm up a table
// with a fixed layout, so a long name truncates instead of pushing the actions out of the card;
// narrower screens drop the least needed columns first. On phones, one card per key.

/** Column widths and breakpoints, shared with the loading skeleton so nothing jumps when the data arrives. */
export const KEY_COLUMNS = {
  key: "w-48",
  status: "w-44",
  lastUsed: "hidden w-40 lg:table-cell",
  usage: "hidden w-40 xl:table-cell",
  cost: "hidden w-28 md:table-cell",
  actions: "w-14",
} as const;

export function KeysTable({ rows }: { rows: KeyListRow[] }) {
  // One clock for every row, so two keys expiring together read the same.
  const now = Date.now();
  return (
    <>
      <div className="hidden sm:block">
        <Table className="table-fixed">
          <caption className="sr-only">API keys</caption>
          <KeysTableHead />
          <TBody>
            {rows.map((row) => {
              const k = row.key;
              return (
                <TR key={k.id} data-key-id={k.id} data-key-row="" className={cn(k.status !== "active" && "bg-zinc-50/60 text-zinc-500")}>
                  <TD className="py-2">
                    <KeyNameLink row={row} />
                    <span className="block truncate text-xs text-zinc-500">
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
                  <TD className="py-2 whitespace-normal">
                    <KeyStatus row={row} now={now} />
                  </TD>
                  <TD className={cn(KEY_COLUMNS.lastUsed, "whitespace-normal")}>
                    <KeyLastUsed iso={k.last_used_at} />
                  </TD>
                  <TD className={KEY_COLUMNS.usage}>
                    <WeeklyUsageCell usage={row.usage} />
                  </TD>
                  <TD className={cn(KEY_COLUMNS.cost, "text-right")}>
                    <KeyCost row={row} />
                  </TD>
                  <TD className="text-right">
                    <KeyRowActions keyView={k} />
                  </TD>
                </TR>
              );
            })}
          </TBody>
        </Table>
      </div>
      <div className="sm:hidden">
        <KeyCards rows={rows} now={now} />
      </div>
    </>
  );
}

export function KeysTableHead() {
  return (
    <THead>
      <tr>
        <TH>Name</TH>
        <TH className={KEY_COLUMNS.key}>Key</TH>
        <TH className={KEY_COLUMNS.status}>Status</TH>
        <TH className={KEY_COLUMNS.lastUsed}>Last used</TH>
        <TH className={KEY_COLUMNS.usage}>7-day usage</TH>
        <TH className={cn(KEY_COLUMNS.cost, "text-right")}>
          <abbr title="Cost this month to date (UTC)" className="no-underline">
            Cost MTD
          </abbr>
        </TH>
        <TH className={KEY_COLUMNS.actions}>
          <span className="sr-only">Actions</span>
        </TH>
      </tr>
    </THead>
  );
}
