import { and, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
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

/**
 * A refusal by the key's own policy (402 budget, 403 allow-lists, 429 rate limit): the gateway
 * records its own answers with no time to first byte and unstreamed, while every relayed provider
 * answer has one, so a provider's own 429 is told apart from ours without another column.
 */
export const gatewayRefusal = (t: typeof usageEvents = usageEvents) =>
  sql`(${t.status} in (402, 403, 429) and ${t.ttfbMs} is null and not ${t.streamed} and not ${t.aborted})`;

export interface KeyActivity {
  /** Requests the key's policy let through (its refusals are not a sign of a leak). */
  lastHour: { requests: number; errors: number };
  /** The week before the last hour. */
  baseline: { requests: number; errors: number; hours: number };
}

/**
 * A key's last hour against the week before it, for the anomaly notice. The week comes from the
 * hourly rollups: counting a busy key's week of raw events took most of a second. The rollups
 * still count policy refusals, which can only raise the baseline, never the notice.
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
      .where(and(...mine, gte(t.ts, hourAgo), lt(t.ts, now), sql`not ${gatewayRefusal(t)}`)),
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

export interface KeyLimitUsage {
  keyId: string;
  /** The month's spend from the rollups, as the budget check reads it (without unflushed events). */
  spentUsd: number;
  budgetRefusals: number;
  rateLimitRefusals: number;
  allowListRefusals: number;
}

/**
 * For each of the owner's keys among `keyIds`, in one statement: its spend in the UTC month
 * (`YYYY-MM`) and the gateway's policy refusals in [since, now).
 */
export async function keysLimitUsage({
  ownerId,
  keyIds,
  month,
  since,
  now,
}: {
  ownerId: string;
  keyIds: string[];
  month: string;
  since: Date;
  now: Date;
}): Promise<KeyLimitUsage[]> {
  if (keyIds.length === 0) return [];
  const db = await getDb();
  const d = usageDaily;
  const e = usageEvents;
  const start = `${month}-01`;
  const spend = db
    .select({ keyId: d.keyId, spent: sql`sum(${d.costUsd})`.as("spent") })
    .from(d)
    .where(
      and(eq(d.ownerId, ownerId), inArray(d.keyId, keyIds), gte(d.day, start), lt(d.day, sql`(${start}::date + interval '1 month')::date`)),
    )
    .groupBy(d.keyId)
    .as("spend");
  const refused = db
    .select({
      keyId: e.keyId,
      budget: sql`count(*) filter (where ${e.status} = 402)`.as("budget"),
      rate: sql`count(*) filter (where ${e.status} = 429)`.as("rate"),
      lists: sql`count(*) filter (where ${e.status} = 403)`.as("lists"),
    })
    .from(e)
    .where(and(eq(e.ownerId, ownerId), inArray(e.keyId, keyIds), gte(e.ts, since), lt(e.ts, now), gatewayRefusal(e)))
    .groupBy(e.keyId)
    .as("refused");
  return db
    .select({
      keyId: apiKeys.id,
      spentUsd: sql`coalesce(${spend.spent}, 0)::float8`.mapWith(asNumber),
      budgetRefusals: sql`coalesce(${refused.budget}, 0)::float8`.mapWith(asNumber),
      rateLimitRefusals: sql`coalesce(${refused.rate}, 0)::float8`.mapWith(asNumber),
      allowListRefusals: sql`coalesce(${refused.lists}, 0)::float8`.mapWith(asNumber),
    })
    .from(apiKeys)
    .leftJoin(spend, eq(spend.keyId, apiKeys.id))
    .leftJoin(refused, eq(refused.keyId, apiKeys.id))
    .where(and(eq(apiKeys.ownerId, ownerId), inArray(apiKeys.id, keyIds)));
}
