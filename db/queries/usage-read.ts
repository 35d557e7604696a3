import { and, desc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { getDb } from "../client";
import { apiKeys, usageDaily, usageEvents } from "../schema";
import { asNumber, HOUR_MS, usageSource, type UsageDimension, type UsageFilter, type UsageSource } from "./usage-source";

// Reads for the usage API and the dashboard: sums grouped by dimensions or by hour (their
// tables chosen by ./usage-source.ts), and one key's own reads (recent requests, activity, spend).

export { USAGE_DIMENSIONS, type UsageDimension, type UsageFilter, type UsageRange } from "./usage-source";

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

export interface UsageHourRow extends UsageSums {
  /** The UTC hour the row covers, "YYYY-MM-DDTHH:00:00Z". */
  hour: string;
  keyId?: string;
  keyName?: string | null;
}

/** The source's sums grouped by the given columns (in their order), ordered by them. */
async function groupedSums<R>({ source, by }: { source: UsageSource; by: Record<string, SQL> }): Promise<R[]> {
  const db = await getDb();
  const grouped = Object.values(by);
  const rows = await db
    .select({ ...source.sums, ...by })
    .from(source.from)
    .where(source.where)
    .groupBy(...grouped)
    .orderBy(...grouped);
  return rows as unknown as R[];
}

/** Names each row's key (null when the owner has no such key), with one lookup for all of them. */
async function withKeyNames<R extends { keyId?: string; keyName?: string | null }>({
  ownerId,
  rows,
}: {
  ownerId: string;
  rows: R[];
}): Promise<R[]> {
  if (rows.length === 0) return rows;
  const db = await getDb();
  const ids = [...new Set(rows.map((r) => r.keyId!))];
  const keys = await db
    .select({ id: apiKeys.id, name: apiKeys.name })
    .from(apiKeys)
    .where(and(eq(apiKeys.ownerId, ownerId), inArray(apiKeys.id, ids)));
  const names = new Map(keys.map((k) => [k.id, k.name]));
  for (const r of rows) r.keyName = names.get(r.keyId!) ?? null;
  return rows;
}

const dimensionField = (d: UsageDimension) => (d === "key" ? "keyId" : d);

/** Sums grouped by the given dimensions (none: one row of totals), ordered by them. */
export async function usageGroups({ filter: f, groupBy }: { filter: UsageFilter; groupBy: UsageDimension[] }): Promise<UsageGroupRow[]> {
  const source = usageSource(f);
  const by = Object.fromEntries(groupBy.map((d) => [dimensionField(d), source.dims[d]]));
  const rows = await groupedSums<UsageGroupRow>({ source, by });
  return groupBy.includes("key") ? withKeyNames({ ownerId: f.ownerId, rows }) : rows;
}

/**
 * Sums per UTC hour (and per key when asked), for the dashboard's last-24-hours view, where
 * a day is too coarse.
 */
export async function usageByHour({ filter, byKey = false }: { filter: UsageFilter; byKey?: boolean }): Promise<UsageHourRow[]> {
  if (filter.range.kind !== "instants") throw new Error("usageByHour needs a range of instants, not whole days.");
  const source = usageSource(filter);
  const by = { hour: source.hour!, ...(byKey ? { keyId: source.dims.key } : {}) };
  const rows = await groupedSums<UsageHourRow>({ source, by });
  return byKey ? withKeyNames({ ownerId: filter.ownerId, rows }) : rows;
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

export async function recentRequests({
  ownerId,
  keyId,
  limit,
}: {
  ownerId: string;
  keyId: string;
  limit: number;
}): Promise<RecentRequest[]> {
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

/**
 * A key's last hour against the week before it, for the anomaly notice. The week comes from the
 * hourly rollups: counting a busy key's week of raw events took most of a second.
 */
export async function keyActivity({ ownerId, keyId, now }: { ownerId: string; keyId: string; now: Date }): Promise<KeyActivity> {
  const db = await getDb();
  const t = usageEvents;
  const hourAgo = new Date(now.getTime() - HOUR_MS);
  const weekAgo = new Date(hourAgo.getTime() - 7 * 24 * HOUR_MS);
  const mine = [eq(t.ownerId, ownerId), eq(t.keyId, keyId)];
  const [[last], [base], [first]] = await Promise.all([
    db
      .select({
        requests: sql`count(*)::float8`.mapWith(asNumber),
        errors: sql`(count(*) filter (where ${t.status} >= 400))::float8`.mapWith(asNumber),
      })
      .from(t)
      .where(and(...mine, gte(t.ts, hourAgo), lt(t.ts, now))),
    usageGroups({ filter: { ownerId, keyId, range: { kind: "instants", from: weekAgo, to: hourAgo } }, groupBy: [] }),
    // The key's first request of the week (an index seek): a key a day old has a day of baseline.
    db
      .select({ at: t.ts })
      .from(t)
      .where(and(...mine, gte(t.ts, weekAgo), lt(t.ts, now)))
      .orderBy(t.ts)
      .limit(1),
  ]);
  const start = first ? first.at.getTime() : hourAgo.getTime();
  const hours = Math.max(1, (hourAgo.getTime() - Math.max(start, weekAgo.getTime())) / HOUR_MS);
  return {
    lastHour: { requests: last.requests, errors: last.errors },
    baseline: { requests: base?.requests ?? 0, errors: base?.errors ?? 0, hours },
  };
}

/** A key's spend in one UTC month (`YYYY-MM`), from the rollups. */
export async function keySpendInMonth({ keyId, month }: { keyId: string; month: string }): Promise<number> {
  const db = await getDb();
  const start = `${month}-01`;
  const [row] = await db
    .select({ spent: sql`coalesce(sum(${usageDaily.costUsd}), 0)::float8`.mapWith(asNumber) })
    .from(usageDaily)
    .where(
      and(eq(usageDaily.keyId, keyId), gte(usageDaily.day, start), lt(usageDaily.day, sql`(${start}::date + interval '1 month')::date`)),
    );
  return row?.spent ?? 0;
}
