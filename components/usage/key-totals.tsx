import Link from "next/link";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import type { KeyTotal } from "@/lib/usage/dashboard";
import { dashboardHref, type DashboardParams } from "@/lib/usage/dashboard-url";
import { CostValue } from "./cost-cell";
import { costColumn, formatInteger, formatPercent } from "./format";

const link = "rounded font-medium text-zinc-900 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-zinc-900";

/**
 * Requests, tokens and cost per key of the filtered view; a key's name filters the overview to it.
 * At phone width the cost stays in view: tokens and share are on the wider layouts.
 */
export function KeyTotals({ keys, params }: { keys: KeyTotal[]; params: DashboardParams }) {
  const cost = costColumn(keys.map((k) => k.costUsd));
  return (
    <Table className="sm:min-w-[40rem]">
      <caption className="sr-only">Usage by key</caption>
      <THead>
        <tr>
          <TH>Key</TH>
          <TH className="text-right">Requests</TH>
          <TH className="hidden text-right sm:table-cell">Tokens</TH>
          <TH className="text-right">Cost</TH>
          <TH className="hidden text-right sm:table-cell">Share of cost</TH>
        </tr>
      </THead>
      <TBody>
        {keys.map((k) => (
          <TR key={k.id} data-key-id={k.id}>
            <TD className="max-w-[12rem] sm:max-w-[22rem]">
              <div className="truncate" title={k.label}>
                <Link
                  href={dashboardHref({ ...params, keyId: k.id })}
                  scroll={false}
                  aria-current={params.keyId === k.id ? "true" : undefined}
                  className={link}
                >
                  {k.label}
                </Link>
              </div>
              <div className="mt-0.5 text-xs text-zinc-500">
                <Link href={`/dashboard/keys/${k.id}`} className={`${link} font-normal text-zinc-600 underline`}>
                  Key page<span className="sr-only"> of {k.label}</span>
                </Link>
                {k.revoked && <span> · revoked</span>}
              </div>
            </TD>
            <TD className="text-right tabular-nums">{formatInteger(k.requests)}</TD>
            <TD
              className="hidden text-right tabular-nums sm:table-cell"
              title={`${formatInteger(k.inputTokens)} in · ${formatInteger(k.outputTokens)} out`}
            >
              {formatInteger(k.inputTokens + k.outputTokens)}
            </TD>
            <TD className="text-right tabular-nums" data-cost>
              <CostValue costUsd={k.costUsd} requests={k.requests} unpricedRequests={k.unpricedRequests} format={cost.format} />
            </TD>
            <TD className="hidden text-right tabular-nums sm:table-cell">{k.costShare === null ? "–" : formatPercent(k.costShare)}</TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
