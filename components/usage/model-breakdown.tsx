import Link from "next/link";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import type { ModelRow } from "@/lib/usage/dashboard";
import { dashboardHref, type DashboardParams } from "@/lib/usage/dashboard-url";
import { CostValue } from "./cost-cell";
import { costColumn, formatInteger, formatPercent } from "./format";

// The row's link covers the whole row, so any cell filters by the model.
const rowLink =
  "rounded font-medium text-zinc-900 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-zinc-900 after:absolute after:inset-0";

/**
 * Requests, tokens and cost per model, biggest first; a bar shows each model's share of tokens.
 * Each row links to the overview filtered to its provider and model.
 */
export function ModelBreakdown({ models, params }: { models: ModelRow[]; params: DashboardParams }) {
  const totalTokens = models.reduce((n, m) => n + m.inputTokens + m.outputTokens, 0);
  const cost = costColumn(models.map((m) => m.costUsd));
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
          const current = params.provider === m.provider && params.model === m.model;
          return (
            <TR key={`${m.provider}/${m.model}`} data-model={`${m.provider}/${m.model}`} className="relative hover:bg-zinc-50">
              <TD className="max-w-[14rem] sm:max-w-[20rem]">
                <div className="truncate" title={m.model}>
                  <Link
                    href={dashboardHref({ ...params, provider: m.provider, model: m.model })}
                    scroll={false}
                    aria-current={current ? "true" : undefined}
                    aria-label={`${m.model} (${m.provider}): show only this model`}
                    className={rowLink}
                  >
                    {m.model}
                  </Link>
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
              <TD className="text-right tabular-nums" data-cost>
                <CostValue costUsd={m.costUsd} requests={m.requests} unpricedRequests={m.unpricedRequests} format={cost.format} />
              </TD>
            </TR>
          );
        })}
      </TBody>
    </Table>
  );
}
