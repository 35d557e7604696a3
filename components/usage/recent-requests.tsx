import { Badge, type BadgeTone } from "@/components/ui/badge";
import { formatTimestamp } from "@/components/ui/date-time";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import type { RecentRequest } from "@/db/queries/usage-read";
import { CostValue } from "./cost-cell";
import { formatInteger } from "./format";

const statusTone = (status: number): BadgeTone => (status >= 500 ? "danger" : status >= 400 ? "warning" : "success");

/** A key's latest requests, newest first, as the gateway recorded them. */
export function RecentRequestsTable({ requests }: { requests: RecentRequest[] }) {
  return (
    <Table className="sm:min-w-[48rem]">
      <caption className="sr-only">Recent requests, newest first</caption>
      <THead>
        <tr>
          <TH>Time (UTC)</TH>
          <TH>Model</TH>
          <TH>Status</TH>
          <TH className="text-right">Input tokens</TH>
          <TH className="text-right">Output tokens</TH>
          <TH className="text-right">Latency</TH>
          <TH className="hidden text-right md:table-cell">Cost</TH>
        </tr>
      </THead>
      <TBody>
        {requests.map((r, i) => {
          const iso = r.ts.toISOString();
          return (
            <TR key={`${iso}-${i}`} data-request-row="">
              <TD className="tabular-nums">
                <time dateTime={iso} title={formatTimestamp(iso)}>
                  {formatTimestamp(iso).replace(" UTC", "")}
                </time>
              </TD>
              <TD className="max-w-[14rem]">
                <div className="truncate font-medium text-zinc-900" title={r.model}>
                  {r.model}
                </div>
                <div className="truncate text-xs text-zinc-500" title={r.endpoint}>
                  {r.provider} · {r.endpoint}
                </div>
              </TD>
              <TD>
                <span className="flex items-center gap-1.5">
                  <Badge tone={statusTone(r.status)}>{r.status}</Badge>
                  {r.streamed && (
                    <Badge tone="info" title="Streamed response (server-sent events)">
                      stream
                    </Badge>
                  )}
                  {r.aborted && (
                    <Badge tone="neutral" title="The response ended early: the client went away or the provider cut it off">
                      aborted
                    </Badge>
                  )}
                </span>
              </TD>
              <TD className="text-right tabular-nums">{formatInteger(r.inputTokens)}</TD>
              <TD className="text-right tabular-nums">{formatInteger(r.outputTokens)}</TD>
              <TD className="text-right tabular-nums" title={r.ttfbMs !== null ? `First byte after ${r.ttfbMs} ms` : undefined}>
                {formatInteger(r.latencyMs)} ms
              </TD>
              <TD className="hidden text-right tabular-nums md:table-cell">
                <CostValue costUsd={r.costUsd ?? 0} requests={1} unpricedRequests={r.costUsd === null ? 1 : 0} />
              </TD>
            </TR>
          );
        })}
      </TBody>
    </Table>
  );
}
