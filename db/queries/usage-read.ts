import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { getDb } from "../client";
import { apiKeys, usageDaily, usageEvents } from "../schema";
import { boundedRead, GroupTotals, type ReadSession, sortedGroups, sumSliced } from "./usage-slices";
import {
  asNumber,
  commonFilters,
  type GroupColumn,
  groupColumn,
  HOUR_MS,
  pieceRange,
  SUM_NAMES,
  type UsageDimension,
  type UsageFilter,
  usagePlan,
  usageSums,
} from "./usage-source";

// Reads for the usage API and the dashboard: sums grouped by dimensions or by hour (their tables
// chosen by ./usage-source.ts, read a bounded slice at a time by ./usage-slices.ts), and one key's
// own reads (activity, spend, limits).

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

const dimensionField = (d: GroupColumn) => (d === "key" ? "keyId" : d);

const USAGE_USD = SUM_NAMES.map((n) => n === "costUsd");

/** The filter's sums grouped by the given columns (none: one row of totals), ordered by them. */
async function groupedUsage<R>(session: ReadSession, f: UsageFilter, columns: GroupColumn[]): Promise<R[]> {
  const totals = new GroupTotals(USAGE_USD, session.maxRows);
  for (const piece of usagePlan(f.range, { byHour: columns.includes("hour") })) {
    const t = piece.table;
    const sums = usageSums(t);
    // The owner and the key are what the walk's index finds; the other filters pick among its rows.
    const [owner, key, ...kept] = commonFilters(t, f);
    await sumSliced(
      session,
      {
        table: t,
        scan: and(owner, key, pieceRange(piece))!,
        filter: and(...kept),
        groupBy: columns.map((c) => groupColumn(t, c)),
        sums: SUM_NAMES.map((n, i) => ({ sql: sums[n], usd: USAGE_USD[i] })),
      },
      totals,
    );
  }
  const groups = await sortedGroups(session, totals);
  if (groups.length === 0 && columns.length === 0) groups.push({ values: [], sums: USAGE_USD.map(() => 0) });
  const keyAt = columns.indexOf("key");
  const names =
    keyAt < 0
      ? null
      : await keyNames(
          session,
          f.ownerId,
          groups.map((g) => g.values[keyAt]),
        );
  return groups.map((g) => {
    const row: Record<string, string | number | null> = {};
    for (const [i, c] of columns.entries()) row[dimensionField(c)] = g.values[i];
    if (names) row.keyName = names.get(g.values[keyAt]) ?? null;
    for (const [i, n] of SUM_NAMES.entries()) row[n] = g.sums[i];
    return row as R;
  });
}

/** The names of the owner's keys among `ids`, in one lookup (a key the owner does not have has none). */
async function keyNames(session: ReadSession, ownerId: string, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await session.rows(
    sql`select ${apiKeys.id} as id, ${apiKeys.name} as name from ${apiKeys} where ${and(eq(apiKeys.ownerId, ownerId), inArray(apiKeys.id, unique))}`,
  );
  return new Map(rows.map((r) => [String(r.id), String(r.name)]));
}

/** Sums grouped by the given dimensions (none: one row of totals), ordered by them. */
export async function usageGroups({ filter, groupBy }: { filter: UsageFilter; groupBy: UsageDimension[] }): Promise<UsageGroupRow[]> {
  return boundedRead((s) => groupedUsage<UsageGroupRow>(s, filter, groupBy));
}

/**
 * Sums per UTC hour (and per key when asked), for the dashboard's last-24-hours view, where
 * a day is too coarse.
 */
export async function usageByHour({ filter, byKey = false }: { filter: UsageFilter; byKey?: boolean }): Promise<UsageHourRow[]> {
  if (filter.range.kind !== "instants") throw new Error("usageByHour needs a range of instants, not whole days.");
  return boundedRead((s) => groupedUsage<UsageHourRow>(s, filter, byKey ? ["hour", "key"] : ["hour"]));
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
 * rollups: counting a busy key's week of raw events took most of a second. The rollups still
 * count policy refusals, which can only raise the baseline, never the notice.
 */
export async function keyActivity({ ownerId, keyId, now }: { ownerId: string; keyId: string; now: Date }): Promise<KeyActivity> {
  const t = usageEvents;
  const hourAgo = new Date(now.getTime() - HOUR_MS);
  const weekAgo = new Date(hourAgo.getTime() - 7 * 24 * HOUR_MS);
  const mine = [eq(t.ownerId, ownerId), eq(t.keyId, keyId)];
  return boundedRead(async (session) => {
    const last = new GroupTotals([false, false], 1);
    const lastHour = { table: t, scan: and(...mine, gte(t.ts, hourAgo), lt(t.ts, now))!, filter: sql`not ${gatewayRefusal(t)}` };
    await sumSliced(session, { ...lastHour, groupBy: [], sums: [{ sql: sql`count(*)` }, { sql: usageSums(t).errors }] }, last);
    const [requests = 0, errors = 0] = last.list()[0]?.sums ?? [];
    const week = { ownerId, keyId, range: { kind: "instants", from: weekAgo, to: hourAgo } } as const;
    const [base] = await groupedUsage<UsageSums>(session, week, []);
    // The key's first request of the week (an index seek): a key a day old has a day of baseline.
    const [first] = await session.rows(
      sql`select (extract(epoch from ${t.ts}) * 1000)::float8 as ms from ${t} where ${and(...mine, gte(t.ts, weekAgo), lt(t.ts, now))} order by ${t.ts} limit 1`,
    );
    const start = first ? Number(first.ms) : hourAgo.getTime();
    const hours = Math.max(1, (hourAgo.getTime() - Math.max(start, weekAgo.getTime())) / HOUR_MS);
    return { lastHour: { requests, errors }, baseline: { requests: base.requests, errors: base.errors, hours } };
  });
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
 * For each of the owner's keys among `keyIds`: its spend in the UTC month (`YYYY-MM`) and the
 * gateway's policy refusals in [since, now).
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
  const keys = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.ownerId, ownerId), inArray(apiKeys.id, keyIds)));
  if (keys.length === 0) return [];
  // One key is found by its own index; several are walked in the owner's order and picked out.
  const ids = keys.map((k) => k.id);
  const which = (t: typeof usageDaily | typeof usageEvents) =>
    ids.length === 1 ? { scan: eq(t.keyId, ids[0]), filter: undefined } : { scan: undefined, filter: inArray(t.keyId, ids) };
  const [monthStart, next] = [`${month}-01`, new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1))];
  const d = usageDaily;
  const e = usageEvents;
  const [spend, refused] = await boundedRead(async (session) => {
    const spend = new GroupTotals([true], session.maxRows);
    const daily = which(d);
    const inMonth = and(gte(d.day, monthStart), lt(d.day, next.toISOString().slice(0, 10)));
    const sums = [{ sql: sql`sum(${d.costUsd})`, usd: true }];
    await sumSliced(
      session,
      { table: d, scan: and(eq(d.ownerId, ownerId), daily.scan, inMonth)!, filter: daily.filter, groupBy: [sql`${d.keyId}`], sums },
      spend,
    );
    const refused = new GroupTotals([false, false, false], session.maxRows);
    const raw = which(e);
    await sumSliced(
      session,
      {
        table: e,
        scan: and(eq(e.ownerId, ownerId), raw.scan, gte(e.ts, since), lt(e.ts, now))!,
        filter: and(raw.filter, gatewayRefusal(e)),
        groupBy: [sql`${e.keyId}`],
        sums: [402, 429, 403].map((status) => ({ sql: sql`count(*) filter (where ${e.status} = ${sql.raw(String(status))})` })),
      },
      refused,
    );
    return [new Map(spend.list().map((g) => [g.values[0], g.sums])), new Map(refused.list().map((g) => [g.values[0], g.sums]))];
  });
  return ids.map((keyId) => {
    const [budget = 0, rate = 0, lists = 0] = refused.get(keyId) ?? [];
    return { keyId, spentUsd: spend.get(keyId)?.[0] ?? 0, budgetRefusals: budget, rateLimitRefusals: rate, allowListRefusals: lists };
  });
}
