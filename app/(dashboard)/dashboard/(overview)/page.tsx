import type { Metadata } from "next";
import { CreateKeyButton } from "@/components/keys/create-key-button";
import { KeyDialogsProvider } from "@/components/keys/key-dialogs";
import { PageHeader } from "@/components/ui/page-header";
import { ChartCard } from "@/components/usage/chart-card";
import { costHeadline, formatCompact, formatInteger, formatPercent, plural } from "@/components/usage/format";
import { ModelBreakdown } from "@/components/usage/model-breakdown";
import { UnpricedNotice } from "@/components/usage/notices";
import { KeyStackedChart, RequestsChart } from "@/components/usage/usage-charts";
import { UsageFilters } from "@/components/usage/usage-filters";
import { listKeys } from "@/db/queries/keys";
import { pageOwner } from "@/lib/auth/page-owner";
import { serializeKey } from "@/lib/keys/service";
import type { ChartPoint } from "@/lib/usage/chart-series";
import { loadOverview } from "@/lib/usage/dashboard";
import { parseDashboardParams, RANGE_LABELS } from "@/lib/usage/dashboard-url";
import { OVERVIEW_DESCRIPTION, QuickstartCard, StatCard, UsageEmptyState } from "./overview";
import { providerOptions } from "../provider-options";
import { requestOrigin } from "../request-origin";

export const metadata: Metadata = { title: "Overview" };

function busiest(points: ChartPoint[], value: (p: ChartPoint) => number): string {
  const top = points.reduce<ChartPoint | null>((best, p) => (value(p) > (best ? value(best) : 0) ? p : best), null);
  return top ? ` Busiest: ${top.title}.` : "";
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { ownerId, readOnly } = await pageOwner();
  const params = parseDashboardParams(await searchParams);
  const records = await listKeys({ ownerId, includeRevoked: true });
  const active = records.map(serializeKey).filter((k) => k.status === "active");
  const live = active.filter((k) => k.environment === "live").length;
  const data = await loadOverview({ ownerId, params, keys: records });
  const origin = await requestOrigin();

  const { totals, points, params: shown } = data;
  const rangeLabel = RANGE_LABELS[shown.range].long;
  const per = shown.range === "24h" ? "hour" : "day";
  const tokens = totals.inputTokens + totals.outputTokens;

  return (
    <KeyDialogsProvider providers={providerOptions()} readOnly={readOnly}>
      <PageHeader title="Overview" description={OVERVIEW_DESCRIPTION} action={<CreateKeyButton />} />

      <div className="mt-6">
        <UsageFilters data={data} />
      </div>
      {shown.env === "test" && (
        <p className="mt-3 text-sm text-amber-800">
          Showing <strong className="font-semibold">test keys</strong>: answered by the built-in simulator, never sent to a provider or
          billed. Live usage is counted apart.
        </p>
      )}

      {totals.unpricedRequests > 0 && (
        <div className="mt-4">
          <UnpricedNotice requests={totals.unpricedRequests} models={data.unpricedModels} />
        </div>
      )}

      <section aria-label="Summary" className="mt-6 grid gap-4 sm:grid-cols-3 lg:grid-cols-5">
        <StatCard
          label="Requests"
          value={formatInteger(totals.requests)}
          detail={
            <span className="truncate">
              {data.selectedKey ? data.selectedKey.name : `${shown.env === "test" ? "Test" : "Live"} keys`}, {rangeLabel}
            </span>
          }
        />
        <StatCard
          label="Tokens"
          value={formatCompact(tokens)}
          detail={`${formatCompact(totals.inputTokens)} in · ${formatCompact(totals.outputTokens)} out`}
        />
        <StatCard
          label="Cost"
          value={costHeadline(totals)}
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
          value={active.length}
          detail={active.length ? `${live} live · ${active.length - live} test` : "None yet"}
        />
      </section>

      {totals.requests === 0 ? (
        <UsageEmptyState
          origin={origin}
          params={shown}
          rangeLabel={rangeLabel}
          keyName={data.selectedKey?.name ?? null}
          hasKeys={active.length > 0}
        />
      ) : (
        <>
          <div className="mt-6 grid gap-6 lg:grid-cols-2">
            <ChartCard
              id="tokens-chart"
              title={`Tokens per ${per}`}
              description="Input and output tokens, stacked by key."
              summary={`${formatInteger(tokens)} tokens in the ${rangeLabel}.${busiest(points, (p) => p.inputTokens + p.outputTokens)}`}
            >
              <KeyStackedChart points={points} series={data.series} metric="tokens" />
            </ChartCard>
            <ChartCard
              id="cost-chart"
              title={`Cost per ${per}`}
              description={
                totals.unpricedRequests > 0
                  ? "USD at list prices, stacked by key. Requests with unknown cost are left out."
                  : "USD at list prices, stacked by key."
              }
              summary={`Cost in the ${rangeLabel}, by key.${busiest(points, (p) => p.costUsd)}`}
            >
              <KeyStackedChart points={points} series={data.series} metric="cost" />
            </ChartCard>
            <div className="lg:col-span-2">
              <ChartCard
                id="requests-chart"
                title={`Requests per ${per}`}
                description="Failed requests (HTTP 4xx and 5xx) in red; the line is the error rate."
                summary={`${formatInteger(totals.requests)} requests, ${formatInteger(totals.errors)} failed.${busiest(points, (p) => p.requests)}`}
              >
                <RequestsChart points={points} />
              </ChartCard>
            </div>
          </div>

          <section aria-labelledby="models-title" className="mt-8">
            <h2 id="models-title" className="text-base font-semibold text-zinc-900">
              Usage by model
            </h2>
            <p className="mt-1 mb-3 text-sm text-zinc-500">Every model called in the {rangeLabel}, most tokens first.</p>
            <ModelBreakdown models={data.models} />
          </section>

          <QuickstartCard origin={origin} hasKeys={active.length > 0} test={shown.env === "test"} />
        </>
      )}
    </KeyDialogsProvider>
  );
}
