import type { KeyListRow } from "@/lib/keys/list-view";
import { cn } from "@/components/ui/cn";
import { EnvironmentBadge, KeyPrefix } from "./key-badges";
import { KeyCost, KeyLastUsed, KeyNameLink, KeyStatus } from "./key-list-cells";
import { KeyRowActions } from "./key-row-actions";

// Phones: one card per key, so the name, its status and its actions are read together
// instead of a table that scrolls the names away on the way to the actions.

export function KeyCards({ rows, now }: { rows: KeyListRow[]; now: number }) {
  return (
    <ul aria-label="API keys" className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white shadow-sm">
      {rows.map((row) => {
        const k = row.key;
        return (
          <li key={k.id} data-key-id={k.id} data-key-row="" className={cn("px-4 py-3 text-sm", k.status !== "active" && "bg-zinc-50/60")}>
            <div className="flex items-start justify-between gap-2">
              <div className="min-w-0 flex-1 pt-1">
                <KeyNameLink row={row} />
              </div>
              <KeyRowActions keyView={k} />
            </div>
            <div className="mt-1.5">
              <KeyStatus row={row} now={now} />
            </div>
            <div className="mt-2 flex items-center gap-2">
              <KeyPrefix prefix={k.prefix} />
              <EnvironmentBadge environment={k.environment} />
            </div>
            <dl className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600">
              <div className="flex gap-1">
                <dt>Last used</dt>
                <dd className="text-zinc-800">
                  <KeyLastUsed iso={k.last_used_at} />
                </dd>
              </div>
              <div className="flex gap-1">
                <dt>This month</dt>
                <dd>
                  <KeyCost row={row} />
                </dd>
              </div>
            </dl>
          </li>
        );
      })}
    </ul>
  );
}
