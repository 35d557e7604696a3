import { and, desc, eq, gte, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import { getDb } from "../client";
import { apiKeys, usageDaily, usageEvents } from "../schema";

// Reads for the usage API and the dashboard. Whole-day ranges are answered from the
// daily rollups; ranges with a time of day (the last 24 hours) from the raw events,
// which the (owner_id, ts) index keeps to the rows in range.

export const USAGE_DIMENSIONS = ["day", "key", "provider", "model", "environment"] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

export type UsageRange =
  | { kind: "days"; from: string; to: string } // inclusive UTC dates, YYYY-MM-DD
  | { kind: "instants"; from: Date; to: Date }; // [from, to)

export interface UsageFilter {
  ownerId: string;
  range: UsageRange;
  keyId?: string;
  provider?: string;
  model?: string;
  environment?: "live" | "test";
}

export interface UsageSums {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
  /** Requests whose model had no price: their cost is not in costUsd. */
  unpricedRequests: number;
}

export interface UsageGroupRow extends UsageSums {
  day?: string;
  keyId?: string;
  keyName?: string | null;
  provider?: string;
  model?: string;
  environment?: "live" | "test";
}

const asNumber = (v: unknown) => Number(v ?? 0);

/** The filters both tables share: they name their columns alike. */
function common(t: typeof usageDaily | typeof usageEvents, f: UsageFilter) {
  return [
    eq(t.ownerId, f.ownerId),
    f.keyId ? eq(t.keyId, f.keyId) : undefined,
    f.provider ? eq(t.provider, f.provider) : undefined,
    f.model ? eq(t.model, f.model) : undefined,
    f.environment ? eq(t.environment, f.environment) : undefined,
  ];
}

function dimensions(t: typeof usageDaily | typeof usageEvents, day: SQL): Record<UsageDimension, SQL> {
  return { day, key: sql`${t.keyId}`, provider: sql`${t.provider}`, model: sql`${t.model}`, environment: sql`${t.environment}` };
}

function source(f: UsageFilter) {
  if (f.range.kind === "days") {
    const t = usageDaily;
    const where = and(...common(t, f), gte(t.day, f.range.from), lte(t.day, f.range.to));
    const dims = dimensions(t, sql`${t.day}::text`);
    const sums = {
      requests: sql`sum(${t.requests})::float8`.mapWith(asNumber),
      errors: sql`sum(${t.errors})::float8`.mapWith(asNumber),
      inputTokens: sql`sum(${t.inputTokens})::float8`.mapWith(asNumber),
      outputTokens: sql`sum(${t.outputTokens})::float8`.mapWith(asNumber),
      cachedInputTokens: sql`sum(${t.cachedInputTokens})::float8`.mapWith(asNumber),
      costUsd: sql`coalesce(sum(${t.costUsd}), 0)::float8`.mapWith(asNumber),
      unpricedRequests: sql`sum(${t.unpricedRequests})::float8`.mapWith(asNumber),
    };
    return { table: t, where, dims, sums };
  }
  const t = usageEvents;
  const where = and(...common(t, f), gte(t.ts, f.range.from), lt(t.ts, f.range.to));
  const dims = dimensions(t, sql`((${t.ts} at time zone 'UTC')::date)::text`);
  const sums = {
    requests: sql`count(*)::float8`.mapWith(asNumber),
    errors: sql`(count(*) filter (where ${t.status} >= 400))::float8`.mapWith(asNumber),
    inputTokens: sql`coalesce(sum(${t.inputTokens}), 0)::float8`.mapWith(asNumber),
    outputTokens: sql`coalesce(sum(${t.outputTokens}), 0)::float8`.mapWith(asNumber),
    cachedInputTokens: sql`coalesce(sum(${t.cachedInputTokens}), 0)::float8`.mapWith(asNumber),
    costUsd: sql`coalesce(sum(${t.costUsd}), 0)::float8`.mapWith(asNumber),
    unpricedRequests: sql`(count(*) filter (where ${t.costUsd} is null))::float8`.mapWith(asNumber),
  };
  return { table: t, where, dims, sums };
}

/** Sums grouped by the given dimensions (none: one row of totals), ordered by them. */
export async function usageGroups(f: UsageFilter, groupBy: UsageDimension[]): Promise<UsageGroupRow[]> {
  const db = await getDb();
  const s = source(f);
  const fields: Record<string, SQL | SQL.Aliased> = { ...s.sums };
  for (const d of groupBy) fields[dimensionField(d)] = s.dims[d];
  const grouped = groupBy.map((d) => s.dims[d]);
  const rows = (await db
    .select(fields)
    .from(s.table)
    .where(s.where)
    .groupBy(...grouped)
    .orderBy(...grouped)) as unknown as UsageGroupRow[];
  if (groupBy.includes("key") && rows.length > 0) {
    const names = await keyNames(f.ownerId, [...new Set(rows.map((r) => r.keyId!))]);
    for (const r of rows) r.keyName = names.get(r.keyId!) ?? null;
  }
  return rows;
}

const dimensionField = (d: UsageDimension) => (d === "key" ? "keyId" : d);

async function keyNames(ownerId: string, ids: string[]): Promise<Map<string, string>> {
  const db = await getDb();
  const rows = await db
    .select({ id: apiKeys.id, name: apiKeys.name })
    .from(apiKeys)
    .where(and(eq(apiKeys.ownerId, ownerId), inArray(apiKeys.id, ids)));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export interface RecentRequest {
  ts: Date;
  provider: string;
  model: string;
  endpoint: string;
  status: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number | null;
  latencyMs: number;
  ttfbMs: number | null;
  streamed: boolean;
  aborted: boolean;
}

export async function recentRequests(ownerId: string, keyId: string, limit: number): Promise<RecentRequest[]> {
  const db = await getDb();
  const t = usageEvents;
  return db
    .select({
      ts: t.ts,
      provider: t.provider,
      model: t.model,
      endpoint: t.endpoint,
      status: t.status,
      inputTokens: t.inputTokens,
      outputTokens: t.outputTokens,
      cachedInputTokens: t.cachedInputTokens,
      costUsd: t.costUsd,
      latencyMs: t.latencyMs,
      ttfbMs: t.ttfbMs,
      streamed: t.streamed,
      aborted: t.aborted,
    })
    .from(t)
    .where(and(eq(t.ownerId, ownerId), eq(t.keyId, keyId)))
    .orderBy(desc(t.ts), desc(t.id))
    .limit(limit);
}

export interface KeyActivity {
  lastHour: { requests: number; errors: number };
  /** The week before the last hour. */
  baseline: { requests: number; errors: number; hours: number };
}

/** A key's last hour against the week before it, for the anomaly notice. */
export async function keyActivity(ownerId: string, keyId: string, now: Date): Promise<KeyActivity> {
  const db = await getDb();
  const t = usageEvents;
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const weekAgo = new Date(hourAgo.getTime() - 7 * 24 * 3_600_000);
  const recent = sql`${t.ts} >= ${hourAgo.toISOString()}::timestamptz`;
  const errors = sql`${t.status} >= 400`;
  const [row] = await db
    .select({
      lastRequests: sql`(count(*) filter (where ${recent}))::float8`.mapWith(asNumber),
      lastErrors: sql`(count(*) filter (where ${recent} and ${errors}))::float8`.mapWith(asNumber),
      baseRequests: sql`(count(*) filter (where not ${recent}))::float8`.mapWith(asNumber),
      baseErrors: sql`(count(*) filter (where not ${recent} and ${errors}))::float8`.mapWith(asNumber),
      firstEpoch: sql`extract(epoch from min(${t.ts}))::float8`.mapWith((v) => (v == null ? null : Number(v))),
    })
    .from(t)
    .where(and(eq(t.ownerId, ownerId), eq(t.keyId, keyId), gte(t.ts, weekAgo), lt(t.ts, now)));
  // A key a day old has a day of baseline, not a week of it.
  const first = row.firstEpoch == null ? hourAgo.getTime() : row.firstEpoch * 1000;
  const hours = Math.max(1, (hourAgo.getTime() - Math.max(first, weekAgo.getTime())) / 3_600_000);
  return {
    lastHour: { requests: row.lastRequests, errors: row.lastErrors },
    baseline: { requests: row.baseRequests, errors: row.baseErrors, hours },
  };
}

export interface UsageHourRow extends UsageSums {
  /** The UTC hour the row covers, "YYYY-MM-DDTHH:00:00Z". */
  hour: string;
  keyId?: string;
  keyName?: string | null;
}

/**
 * Sums per UTC hour (and per key when asked), for the dashboard's last-24-hours view, where
 * a day is too coarse. Read from the raw events: the daily rollups have no hours.
 */
export async function usageByHour({ filter, byKey = false }: { filter: UsageFilter; byKey?: boolean }): Promise<UsageHourRow[]> {
  if (filter.range.kind !== "instants") throw new Error("usageByHour needs a range of instants, not whole days.");
  const db = await getDb();
  const s = source(filter);
  const hour = sql`to_char(date_trunc('hour', ${usageEvents.ts} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24":00:00Z"')`;
  const fields: Record<string, SQL | SQL.Aliased> = { ...s.sums, hour };
  const grouped = [hour];
  if (byKey) {
    fields.keyId = s.dims.key;
    grouped.push(s.dims.key);
  }
  const rows = (await db
    .select(fields)
    .from(s.table)
    .where(s.where)
    .groupBy(...grouped)
    .orderBy(...grouped)) as unknown as UsageHourRow[];
  if (byKey && rows.length > 0) {
    const names = await keyNames(filter.ownerId, [...new Set(rows.map((r) => r.keyId!))]);
    for (const r of rows) r.keyName = names.get(r.keyId!) ?? null;
  }
  return rows;
}

/** A key's spend in one UTC month (`YYYY-MM`), from the rollups. */
export async function keySpendInMonth(keyId: string, month: string): Promise<number> {
  const db = await getDb();
  const start = `${month}-01`;
  const [row] = await db
    .select({ spent: sql`coalesce(sum(${usageDaily.costUsd}), 0)::float8`.mapWith(asNumber) })
    .from(usageDaily)
    .where(
      and(
        eq(usageDaily.keyId, keyId),
        gte(usageDaily.day, start),
        lt(usageDaily.day, sql`(${start}::date + interval '1 month')::date`),
      ),
    );
  return row?.spent ?? 0;
}
