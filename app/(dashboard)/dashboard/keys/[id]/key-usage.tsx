import { Card, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { StatCard } from "@/components/ui/stat-card";
import { ChartCard } from "@/components/usage/chart-card";
import { costHeadline, formatCompact, formatInteger, formatPercent, plural } from "@/components/usage/format";
import { RequestsChart, TokensChart } from "@/components/usage/usage-charts";
import type { UsageSums } from "@/db/queries/usage-read";
import type { ChartPoint } from "@/lib/usage/chart-series";
import { KEY_CHARTS, KEY_SUMMARY_LABELS } from "./key-page-parts";

// The key page's usage: four numbers, then the two charts, or one card saying how to make a
// first request when the period has none (two empty charts said nothing twice).

export function KeySummary({ totals, period, test }: { totals: UsageSums; period: string; test: boolean }) {
  const tokens = totals.inputTokens + totals.outputTokens;
  return (
    <section aria-label="Key summary" className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
      <StatCard label={KEY_SUMMARY_LABELS[0]} value={formatInteger(totals.requests)} detail={period} />
      <StatCard
        label={KEY_SUMMARY_LABELS[1]}
        value={formatCompact(tokens)}
        detail={`${formatCompact(totals.inputTokens)} in · ${formatCompact(totals.outputTokens)} out`}
      />
      <StatCard
        label={KEY_SUMMARY_LABELS[2]}
        value={costHeadline(totals)}
        detail={
          totals.unpricedRequests > 0 ? (
            <span className="text-amber-800">+ {plural(totals.unpricedRequests, "request")} with unknown cost</span>
          ) : test ? (
            "Simulated: never billed"
          ) : (
            "USD at list prices"
          )
        }
      />
      <StatCard
        label={KEY_SUMMARY_LABELS[3]}
        value={totals.requests > 0 ? formatPercent(totals.errors / totals.requests) : "–"}
        detail={plural(totals.errors, "failed request")}
      />
    </section>
  );
}

export function KeyCharts({ totals, points, period }: { totals: UsageSums; points: ChartPoint[]; period: string }) {
  const tokens = totals.inputTokens + totals.outputTokens;
  return (
    <div className="mt-6 grid gap-6 lg:grid-cols-2">
      <ChartCard
        id="key-requests-chart"
        title={KEY_CHARTS.requests.title}
        description={KEY_CHARTS.requests.description}
        summary={`${formatInteger(totals.requests)} requests in the ${period}, ${formatInteger(totals.errors)} failed.`}
      >
        <RequestsChart points={points} />
      </ChartCard>
      <ChartCard
        id="key-tokens-chart"
        title={KEY_CHARTS.tokens.title}
        description={KEY_CHARTS.tokens.description}
        summary={`${formatInteger(tokens)} tokens in the ${period}.`}
      >
        <TokensChart points={points} />
      </ChartCard>
    </div>
  );
}

function keyCurl(origin: string, prefix: string, test: boolean): string {
  return [
    `curl ${origin}/v1/openai/chat/completions \\`,
    `  -H "Authorization: Bearer ${prefix}…" \\`,
    ...(test ? [] : [`  -H "X-Provider-API-Key: sk-…" \\`]),
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello!"}]}'`,
  ].join("\n");
}

/** In place of both charts when the period has no requests: the next step is a first call. */
export function NoUsageCard({
  origin,
  prefix,
  test,
  everUsed,
  period,
}: {
  origin: string;
  prefix: string;
  test: boolean;
  /** The key has older requests, outside the period. */
  everUsed: boolean;
  period: string;
}) {
  return (
    <Card role="region" aria-labelledby="no-usage-title" data-empty-usage="" className="mt-6">
      <CardHeader
        titleId="no-usage-title"
        title={everUsed ? `No requests in the ${period}` : "No requests with this key yet"}
        description={
          test
            ? "Send one: test keys are answered by the built-in simulator, so no provider key is needed. Charts of its requests and tokens appear here."
            : "Send one with this key and your own provider key; it appears here within a second or two, with charts of its requests and tokens."
        }
      />
      <div className="space-y-3 px-5 py-5">
        <CodeBlock label="curl" code={keyCurl(origin, prefix, test)} />
        <p className="text-sm text-zinc-600">
          Use the full key where the example shows <code className="font-mono text-[13px] text-zinc-800">{prefix}…</code>
          {test ? (
            "."
          ) : (
            <>
              {" "}
              and your OpenAI key for <code className="font-mono text-[13px] text-zinc-800">sk-…</code>.
            </>
          )}
        </p>
      </div>
    </Card>
  );
}
