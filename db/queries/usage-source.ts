import { and, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import { usageDaily, usageEvents, usageHourly } from "../schema";

// Which tables a usage read comes from: whole UTC days from the daily rollups, whole hours outside
// them from the hourly rollups, and raw events only for the partial hours at either end. A 90-day
// range of instants read 864k hourly rows (2.96 s on the embedded database, all of it on the
// proxy's event loop); from the daily rollups it reads 90 rows per key and model.

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

export const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const asNumber = (v: unknown) => Number(v ?? 0);

export type UsageTable = typeof usageDaily | typeof usageHourly | typeof usageEvents;

/** One part of a range, answered by one table. */
export type Piece =
  | { table: typeof usageDaily; from: string; to: string } // inclusive UTC dates
  | { table: typeof usageHourly | typeof usageEvents; from: Date; to: Date }; // [from, to)

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The pieces a range is read from. Reads by hour (`byHour`) cannot use the daily rollups; a range
 * shorter than a day has no whole day, so it never does either.
 */
export function usagePlan(range: UsageRange, { byHour }: { byHour: boolean }): Piece[] {
  if (range.kind === "days") return [{ table: usageDaily, from: range.from, to: range.to }];
  const [from, to] = [range.from.getTime(), range.to.getTime()];
  const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const lastHour = Math.floor(to / HOUR_MS) * HOUR_MS;
  const raw = (a: number, b: number): Piece => ({ table: usageEvents, from: new Date(a), to: new Date(b) });
  const hourly = (a: number, b: number): Piece => ({ table: usageHourly, from: new Date(a), to: new Date(b) });
  if (firstHour >= lastHour) return from < to ? [raw(from, to)] : [];
  const pieces: Piece[] = [];
  if (from < firstHour) pieces.push(raw(from, firstHour));
  const firstDay = Math.ceil(firstHour / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(lastHour / DAY_MS) * DAY_MS;
  if (byHour || firstDay >= lastDay) pieces.push(hourly(firstHour, lastHour));
  else {
    if (firstHour < firstDay) pieces.push(hourly(firstHour, firstDay));
    pieces.push({ table: usageDaily, from: isoDay(firstDay), to: isoDay(lastDay - DAY_MS) });
    if (lastDay < lastHour) pieces.push(hourly(lastDay, lastHour));
  }
  if (lastHour < to) pieces.push(raw(lastHour, to));
  return pieces;
}

/** The filters the three tables share: they name their columns alike. */
export function commonFilters(t: UsageTable, f: Omit<UsageFilter, "range">) {
  return [
    eq(t.ownerId, f.ownerId),
    f.keyId ? eq(t.keyId, f.keyId) : undefined,
    f.provider ? eq(t.provider, f.provider) : undefined,
    f.model ? eq(t.model, f.model) : undefined,
    f.environment ? eq(t.environment, f.environment) : undefined,
  ];
}

/** The piece's range, as a condition on its table's time column. */
export function pieceRange(p: Piece): SQL {
  if (p.table === usageDaily) return and(gte(usageDaily.day, p.from as string), lte(usageDaily.day, p.to as string))!;
  const at = p.table === usageHourly ? usageHourly.hour : usageEvents.ts;
  return and(gte(at, p.from as Date), lt(at, p.to as Date))!;
}

/** What a usage read groups by: the dimensions, and the UTC hour for reads by hour. */
export type GroupColumn = UsageDimension | "hour";

const utcHour = (at: SQL) => sql`to_char(${at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24":00:00Z"')`;

/** Each grouping column of a table, as text. */
export function groupColumn(t: UsageTable, c: GroupColumn): SQL {
  if (c === "key") return sql`${t.keyId}`;
  if (c === "provider" || c === "model" || c === "environment") return sql`${t[c]}`;
  if (t === usageDaily) {
    if (c === "hour") throw new Error("The daily rollups have no hours.");
    return sql`${usageDaily.day}::text`;
  }
  if (t === usageHourly)
    return c === "hour" ? utcHour(sql`${usageHourly.hour}`) : sql`((${usageHourly.hour} at time zone 'UTC')::date)::text`;
  return c === "hour"
    ? utcHour(sql`date_trunc('hour', ${usageEvents.ts}, 'UTC')`)
    : sql`((${usageEvents.ts} at time zone 'UTC')::date)::text`;
}

export const SUM_NAMES = ["requests", "errors", "inputTokens", "outputTokens", "cachedInputTokens", "costUsd", "unpricedRequests"] as const;
export type SumName = (typeof SUM_NAMES)[number];

/** The usage sums over a table's rows: the rollups add theirs up, the raw events are counted. */
export function usageSums(t: UsageTable): Record<SumName, SQL> {
  if (t === usageEvents) {
    return {
      requests: sql`count(*)`,
      errors: sql`count(*) filter (where ${t.status} >= 400)`,
      inputTokens: sql`sum(${t.inputTokens})`,
      outputTokens: sql`sum(${t.outputTokens})`,
      cachedInputTokens: sql`sum(${t.cachedInputTokens})`,
      costUsd: sql`coalesce(sum(${t.costUsd}), 0)`,
      unpricedRequests: sql`count(*) filter (where ${t.costUsd} is null)`,
    };
  }
  const r = t as typeof usageDaily | typeof usageHourly;
  return {
    requests: sql`sum(${r.requests})`,
    errors: sql`sum(${r.errors})`,
    inputTokens: sql`sum(${r.inputTokens})`,
    outputTokens: sql`sum(${r.outputTokens})`,
    cachedInputTokens: sql`sum(${r.cachedInputTokens})`,
    costUsd: sql`sum(${r.costUsd})`,
    unpricedRequests: sql`sum(${r.unpricedRequests})`,
  };
}
