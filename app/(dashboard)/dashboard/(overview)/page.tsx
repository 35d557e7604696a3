import type { Metadata } from "next";
import { CreateKeyButton } from "@/components/keys/create-key-button";
import { KeyDialogsProvider } from "@/components/keys/key-dialogs";
import { PageHeader } from "@/components/ui/page-header";
import { ChartCard } from "@/components/usage/chart-card";
import { formatInteger } from "@/components/usage/format";
import { KeyTotals } from "@/components/usage/key-totals";
import { ModelBreakdown } from "@/components/usage/model-breakdown";
import { UnpricedNotice } from "@/components/usage/notices";
import { KeyStackedChart, RequestsChart } from "@/components/usage/usage-charts";
import { UsageFilters } from "@/components/usage/usage-filters";
import { listKeys } from "@/db/queries/keys";
import { pageOwner } from "@/lib/auth/page-owner";
import { serializeKey } from "@/lib/keys/service";
import type { ChartPoint } from "@/lib/usage/chart-series";
import { loadOverview } from "@/lib/usage/dashboard";
import { parseDashboardState, rangePhrase } from "@/lib/usage/dashboard-url";
import { OVERVIEW_DESCRIPTION, QuickstartCard, UsageEmptyState } from "./overview";
import { Summary } from "./summary";
import { providerOptions } from "../provider-options";
import { requestOrigin } from "../request-origin";

export const metadata: Metadata = { title: "Overview" };

function busiest(points: ChartPoint[], value: (p: ChartPoint) => number): string {
  const top = points.reduce<ChartPoint | null>((best, p) => (value(p) > (best ? value(best) : 0) ? p : best), null);
  return top ? ` Busiest: ${top.title}.` : "";
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { ownerId, readOnly } = await pageOwner();
  const now = new Date();
  const { params, error, attempted } = parseDashboardState(await searchParams, now);
  const records = await listKeys({ ownerId, includeRevoked: true });
  const active = records.map(serializeKey).filter((k) => k.status === "active");
  const data = await loadOverview({ ownerId, params, keys: records, now });
  const origin = await requestOrigin();

  const { totals, points, params: shown } = data;
  const phrase = rangePhrase(shown);
  // "Active keys: 2 of 5": keys with requests in this view, of the environment's keys.
  const envKeys = new Set([...active.filter((k) => k.environment === shown.env).map((k) => k.id), ...data.keyTotals.map((k) => k.id)]).size;
  const per = data.range.kind === "instants" ? "hour" : "day";
  const tokens = totals.inputTokens + totals.outputTokens;

  return (
    <KeyDialogsProvider providers={providerOptions()} readOnly={readOnly}>
      <PageHeader title="Overview" description={OVERVIEW_DESCRIPTION} action={<CreateKeyButton />} />

      <div className="mt-6">
        <UsageFilters data={data} error={error} attempted={attempted} now={now} />
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

      <Summary data={data} envKeys={envKeys} />

      {totals.requests === 0 ? (
        <UsageEmptyState
          origin={origin}
          params={shown}
          phrase={phrase}
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
              summary={`${formatInteger(tokens)} tokens ${phrase}.${busiest(points, (p) => p.inputTokens + p.outputTokens)}`}
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
              summary={`Cost ${phrase}, by key.${busiest(points, (p) => p.costUsd)}`}
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
            <p className="mt-1 mb-3 text-sm text-zinc-500">
              Every model called {phrase}, most tokens first. Choose a model to see only its usage.
            </p>
            <ModelBreakdown models={data.models} params={shown} />
          </section>

          <section aria-labelledby="keys-title" className="mt-8">
            <h2 id="keys-title" className="text-base font-semibold text-zinc-900">
              Usage by key
            </h2>
            <p className="mt-1 mb-3 text-sm text-zinc-500">Every key with requests in this view, most cost first.</p>
            <KeyTotals keys={data.keyTotals} params={shown} />
          </section>

          <QuickstartCard origin={origin} hasKeys={active.length > 0} test={shown.env === "test"} />
        </>
      )}
    </KeyDialogsProvider>
  );
}
