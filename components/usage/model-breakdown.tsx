import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import type { ModelRow } from "@/lib/usage/dashboard";
import { CostValue } from "./cost-cell";
import { formatInteger, formatPercent } from "./format";

/** Requests, tokens and cost per model, biggest first; a bar shows each model's share of tokens. */
export function ModelBreakdown({ models }: { models: ModelRow[] }) {
  const totalTokens = models.reduce((n, m) => n + m.inputTokens + m.outputTokens, 0);
  return (
    <Table className="sm:min-w-[40rem]">
      <caption className="sr-only">Usage by model</caption>
      <THead>
        <tr>
          <TH>Model</TH>
          <TH className="text-right">Requests</TH>
          <TH className="hidden text-right sm:table-cell">Errors</TH>
          <TH className="text-right">Input tokens</TH>
          <TH className="text-right">Output tokens</TH>
          <TH className="text-right">Cost</TH>
        </tr>
      </THead>
      <TBody>
        {models.map((m) => {
          const tokens = m.inputTokens + m.outputTokens;
          const share = totalTokens > 0 ? tokens / totalTokens : 0;
          return (
            <TR key={`${m.provider}/${m.model}`} data-model={`${m.provider}/${m.model}`}>
              <TD className="max-w-[14rem] sm:max-w-[20rem]">
                <div className="truncate font-medium text-zinc-900" title={m.model}>
                  {m.model}
                </div>
                <div className="mt-0.5 flex items-center gap-2">
                  <span className="text-xs text-zinc-500">{m.provider}</span>
                  <span
                    className="hidden h-1.5 w-24 overflow-hidden rounded-full bg-zinc-100 sm:block"
                    title={`${formatPercent(share)} of tokens`}
                  >
                    <span
                      className="block h-full rounded-full bg-zinc-700"
                      style={{ width: `${Math.max(share * 100, tokens > 0 ? 2 : 0)}%` }}
                    />
                  </span>
                </div>
              </TD>
              <TD className="text-right tabular-nums">{formatInteger(m.requests)}</TD>
              <TD className="hidden text-right tabular-nums sm:table-cell">
                {m.errors > 0 ? <span className="text-red-600">{formatInteger(m.errors)}</span> : "0"}
              </TD>
              <TD className="text-right tabular-nums">{formatInteger(m.inputTokens)}</TD>
              <TD className="text-right tabular-nums">{formatInteger(m.outputTokens)}</TD>
              <TD className="text-right tabular-nums">
                <CostValue costUsd={m.costUsd} requests={m.requests} unpricedRequests={m.unpricedRequests} />
              </TD>
            </TR>
          );
        })}
      </TBody>
    </Table>
  );
}
