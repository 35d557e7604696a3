import { DateTime } from "@/components/ui/date-time";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import type { KeyView } from "@/lib/keys/service";
import { cn } from "@/components/ui/cn";
import { EnvironmentBadge, KeyPrefix, StatusBadge } from "./key-badges";
import { KeyRowActions } from "./key-row-actions";

// Server-rendered: the first paint already has the rows, no client fetch.
// On phones the Created column folds away and the table scrolls inside its box.

export function KeysTable({ keys }: { keys: KeyView[] }) {
  return (
    <Table className="sm:min-w-[40rem]">
      <caption className="sr-only">API keys</caption>
      <THead>
        <tr>
          <TH>Name</TH>
          <TH>Key</TH>
          <TH>Environment</TH>
          <TH className="hidden md:table-cell">Created</TH>
          <TH>Last used</TH>
          <TH className="hidden sm:table-cell">Status</TH>
          <TH>
            <span className="sr-only">Actions</span>
          </TH>
        </tr>
      </THead>
      <TBody>
        {keys.map((k) => (
          <TR key={k.id} data-key-id={k.id} className={cn(k.status !== "active" && "bg-zinc-50/60 text-zinc-500")}>
            <TD className="max-w-[10rem] truncate sm:max-w-[16rem] font-medium text-zinc-900" title={k.name}>
              {k.name}
            </TD>
            <TD>
              <KeyPrefix prefix={k.prefix} />
            </TD>
            <TD>
              <EnvironmentBadge environment={k.environment} />
            </TD>
            <TD className="hidden md:table-cell">
              <DateTime iso={k.created_at} />
            </TD>
            <TD>{k.last_used_at ? <DateTime iso={k.last_used_at} withTime /> : <span className="text-zinc-400">Never</span>}</TD>
            <TD className="hidden sm:table-cell">
              <StatusBadge status={k.status} />
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
