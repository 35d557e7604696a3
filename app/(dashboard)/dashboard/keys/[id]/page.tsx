import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { KeyActivity } from "@/components/keys/key-activity";
import { KeyPrefix, EnvironmentBadge, StatusBadge } from "@/components/keys/key-badges";
import { KeyDialogsProvider } from "@/components/keys/key-dialogs";
import { CopyButton } from "@/components/ui/copy-button";
import { RolledFrom, RolledNotice, type KeyRef } from "@/components/keys/key-lineage";
import { KeyPageActions } from "@/components/keys/key-page-actions";
import { PolicyCard } from "@/components/keys/policy-card";
import { buttonClasses } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { DateTime } from "@/components/ui/date-time";
import { PageHeading } from "@/components/ui/page-heading";
import { StatCard } from "@/components/ui/stat-card";
import { ChartCard } from "@/components/usage/chart-card";
import { costHeadline, formatCompact, formatInteger, formatPercent, plural } from "@/components/usage/format";
import { AnomalyNotice } from "@/components/usage/notices";
import { RecentRequestsTable } from "@/components/usage/recent-requests";
import { RequestsChart, TokensChart } from "@/components/usage/usage-charts";
import { listAuditEvents } from "@/db/queries/audit";
import { getKey } from "@/db/queries/keys";
import { pageOwner } from "@/lib/auth/page-owner";
import { serializeAuditEvent, serializeKey } from "@/lib/keys/service";
import { KEY_PAGE_DAYS, loadKeyUsage, RECENT_LIMIT } from "@/lib/usage/dashboard";
import { csvHref, dashboardHref } from "@/lib/usage/dashboard-url";
import { providerOptions } from "../../provider-options";
import { requestOrigin } from "../../request-origin";
import { KEY_CHARTS, KEY_SUMMARY_LABELS, KeyBreadcrumb, RECENT_DESCRIPTION } from "./key-page-parts";

type Props = { params: Promise<{ id: string }> };

const ACTIVITY_LIMIT = 50;

/** The other key of a roll, by id, with its prefix when it is still on record. */
async function keyRef(ownerId: string, id: string | null): Promise<KeyRef | null> {
  if (!id) return null;
  const other = await getKey({ ownerId, id });
  return { id, prefix: other?.prefix ?? null };
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { ownerId } = await pageOwner();
  const key = await getKey({ ownerId, id: (await params).id });
  return { title: key ? key.name : "Key not found" };
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

export default async function KeyPage({ params }: Props) {
  const { id } = await params;
  const { ownerId, readOnly } = await pageOwner();
  const data = await loadKeyUsage({ ownerId, keyId: id });
  // Unknown and foreign ids look the same: not found.
  if (!data) notFound();

  const key = serializeKey(data.key);
  const { totals, points } = data;
  const test = key.environment === "test";
  const tokens = totals.inputTokens + totals.outputTokens;
  const days = points.map((p) => p.bucket);
  const range = { kind: "days" as const, from: days[0], to: days.at(-1)! };
  const period = `last ${KEY_PAGE_DAYS} days`;
  const providers = providerOptions();
  const [events, successor, predecessor] = await Promise.all([
    listAuditEvents({ ownerId, keyId: key.id, limit: ACTIVITY_LIMIT }).then((rows) => rows.map(serializeAuditEvent)),
    keyRef(ownerId, key.replaced_by),
    keyRef(ownerId, key.rolled_from),
  ]);

  return (
    <KeyDialogsProvider providers={providers} readOnly={readOnly}>
      <KeyBreadcrumb name={key.name} />
      <div className="mt-3 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <PageHeading className="truncate text-2xl font-semibold tracking-tight text-zinc-900 focus:outline-none" title={key.name}>
            {key.name}
          </PageHeading>
          <div className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-1.5 text-sm text-zinc-600">
            <KeyPrefix prefix={key.prefix} />
            {/* The id is what the API and the audit log name the key by. */}
            <span className="inline-flex items-center gap-1">
              <code className="font-mono text-[13px] text-zinc-700">{key.id}</code>
              <CopyButton value={key.id} label="Copy id" variant="ghost" aria-label="Copy key id" />
            </span>
            <EnvironmentBadge environment={key.environment} />
            <StatusBadge keyView={key} />
            <span>
              Created <DateTime iso={key.created_at} />
            </span>
            <span>Last used {key.last_used_at ? <DateTime iso={key.last_used_at} withTime /> : "never"}</span>
            {predecessor && <RolledFrom predecessor={predecessor} />}
          </div>
        </div>
        <KeyPageActions keyView={key} />
      </div>

      {successor && (
        <div className="mt-6">
          <RolledNotice keyView={key} successor={successor} />
        </div>
      )}

      <section aria-labelledby="policy-title" className="mt-6">
        <PolicyCard keyView={key} providers={providers} />
      </section>

      {data.anomalies.length > 0 && (
        <div className="mt-6">
          <AnomalyNotice anomalies={data.anomalies} />
        </div>
      )}

      <div className="mt-6 flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-base font-semibold text-zinc-900">Usage, {period}</h2>
        <div className="flex flex-wrap gap-2">
          <Link
            href={dashboardHref({ range: "30d", keyId: key.id, env: key.environment })}
            className={buttonClasses({ variant: "secondary", size: "sm" })}
          >
            Compare with other keys
          </Link>
          <a href={csvHref(range, key.id, key.environment)} download className={buttonClasses({ variant: "secondary", size: "sm" })}>
            Download CSV
          </a>
        </div>
      </div>

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

      <section aria-labelledby="recent-title" className="mt-8">
        <h2 id="recent-title" className="text-base font-semibold text-zinc-900">
          Recent requests
        </h2>
        <p className="mt-1 mb-3 text-sm text-zinc-500">{RECENT_DESCRIPTION}</p>
        {data.recent.length > 0 ? (
          <>
            <RecentRequestsTable requests={data.recent} />
            {data.recent.length === RECENT_LIMIT && (
              <p className="mt-2 text-sm text-zinc-500">
                Showing the latest {RECENT_LIMIT}. Download the CSV for totals per day and model.
              </p>
            )}
          </>
        ) : (
          <Card>
            <CardHeader
              title="No requests with this key yet"
              description={
                test
                  ? "Send one: test keys are answered by the built-in simulator, so no provider key is needed."
                  : "Send one with this key and your own provider key; it appears here within a second or two."
              }
            />
            <div className="space-y-3 px-5 py-5">
              <CodeBlock label="curl" code={keyCurl(await requestOrigin(), key.prefix, test)} />
              <p className="text-sm text-zinc-600">
                Use the full key where the example shows <code className="font-mono text-[13px] text-zinc-800">{key.prefix}…</code>
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
        )}
      </section>

      <section aria-labelledby="activity-title" className="mt-8">
        <KeyActivity events={events} providers={providers} limit={ACTIVITY_LIMIT} />
      </section>
    </KeyDialogsProvider>
  );
}
