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
import { DateTime } from "@/components/ui/date-time";
import { PageHeading } from "@/components/ui/page-heading";
import { AnomalyNotice, BudgetReachedNotice } from "@/components/usage/notices";
import { listAuditEvents } from "@/db/queries/audit";
import { getKey } from "@/db/queries/keys";
import { pageOwner } from "@/lib/auth/page-owner";
import { serializeAuditEvent, serializeKey } from "@/lib/keys/service";
import { csvHref, dashboardHref } from "@/lib/usage/dashboard-url";
import { KEY_PAGE_DAYS, loadKeyPage, parseRequestCursor, REQUESTS_PARAM } from "@/lib/usage/key-page";
import { providerOptions } from "../../provider-options";
import { requestOrigin } from "../../request-origin";
import { EditPolicyAction } from "./edit-policy-action";
import { KeyBreadcrumb } from "./key-page-parts";
import { KeyRequests } from "./key-requests";
import { KeyCharts, KeySummary, NoUsageCard } from "./key-usage";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

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

export default async function KeyPage({ params, searchParams }: Props) {
  const { id } = await params;
  const cursor = parseRequestCursor((await searchParams)[REQUESTS_PARAM]);
  const { ownerId, readOnly } = await pageOwner();
  const data = await loadKeyPage({ ownerId, keyId: id, cursor });
  // Unknown and foreign ids look the same: not found.
  if (!data) notFound();

  const key = serializeKey(data.key);
  const { totals, points, limitState, requests } = data;
  const test = key.environment === "test";
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
            <StatusBadge keyView={key} limitState={limitState} />
            <span>
              Created <DateTime iso={key.created_at} />
            </span>
            <span>Last used {key.last_used_at ? <DateTime iso={key.last_used_at} withTime /> : "never"}</span>
            {predecessor && <RolledFrom predecessor={predecessor} />}
          </div>
        </div>
        <KeyPageActions keyView={key} />
      </div>

      {limitState?.budgetReached && limitState.budgetUsd !== null && key.status === "active" && (
        <div className="mt-6">
          <BudgetReachedNotice
            spentUsd={limitState.spentUsd}
            budgetUsd={limitState.budgetUsd}
            resetsAt={limitState.resetsAt.toISOString()}
            action={key.replaced_by === null ? <EditPolicyAction keyView={key} /> : undefined}
          />
        </div>
      )}

      {successor && (
        <div className="mt-6">
          <RolledNotice keyView={key} successor={successor} />
        </div>
      )}

      <section aria-labelledby="policy-title" className="mt-6">
        <PolicyCard keyView={key} providers={providers} limitState={limitState} />
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

      <KeySummary totals={totals} period={period} test={test} />
      {totals.requests > 0 ? (
        <KeyCharts totals={totals} points={points} period={period} />
      ) : (
        <NoUsageCard origin={await requestOrigin()} prefix={key.prefix} test={test} everUsed={requests.total > 0} period={period} />
      )}

      {requests.rows.length > 0 && <KeyRequests keyId={key.id} page={requests} />}

      <section aria-labelledby="activity-title" className="mt-8">
        <KeyActivity events={events} providers={providers} limit={ACTIVITY_LIMIT} />
      </section>
    </KeyDialogsProvider>
  );
}
