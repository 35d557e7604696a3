import { costHeadline, formatCompact, formatInteger, formatPercent, plural } from "@/components/usage/format";
import type { OverviewData } from "@/lib/usage/dashboard";
import { rangePhrase, viewScope } from "@/lib/usage/dashboard-url";

const capitalize = (s: string) => s[0].toUpperCase() + s.slice(1);
import { StatCard } from "./overview";

/** The five headline numbers of the filtered view, under a line saying what that view is. */
export function Summary({
  data,
  envKeys,
}: {
  data: OverviewData;
  /** The environment's active keys and any other key with requests here (a revoked one). */
  envKeys: number;
}) {
  const { totals, params } = data;
  const tokens = totals.inputTokens + totals.outputTokens;
  const used = data.keyTotals.length;
  const cost = costHeadline(totals);
  const env = params.env === "test" ? "test" : "live";
  return (
    <section aria-label="Summary" aria-describedby="summary-scope" className="mt-6">
      <p id="summary-scope" className="mb-2 text-sm text-zinc-600">
        <span className="font-medium text-zinc-900">Showing:</span> {viewScope(params, data.selectedKey?.name ?? null)}
      </p>
      <div className="grid gap-4 sm:grid-cols-3 lg:grid-cols-5">
        <StatCard
          label="Requests"
          value={formatInteger(totals.requests)}
          detail={<span className="truncate">{capitalize(rangePhrase(params))}</span>}
        />
        <StatCard
          label="Tokens"
          value={formatCompact(tokens)}
          detail={`${formatCompact(totals.inputTokens)} in · ${formatCompact(totals.outputTokens)} out`}
        />
        <StatCard
          label="Cost"
          // Amounts under a cent are long ("$0.000079"): a smaller size keeps every digit in the card.
          value={<span className={cost.length > 7 ? "text-2xl" : undefined}>{cost}</span>}
          detail={
            totals.unpricedRequests > 0 ? (
              <span className="text-amber-800">+ {plural(totals.unpricedRequests, "request")} with unknown cost</span>
            ) : (
              "USD at list prices"
            )
          }
        />
        <StatCard
          label="Error rate"
          value={totals.requests > 0 ? formatPercent(totals.errors / totals.requests) : "–"}
          detail={`${plural(totals.errors, "failed request")}`}
        />
        <StatCard
          label="Active keys"
          value={formatInteger(used)}
          detail={<span className="truncate">of {plural(envKeys, `${env} key`)}</span>}
        />
      </div>
    </section>
  );
}
