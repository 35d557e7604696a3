import { and, desc, eq, gte, inArray, lt, lte, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { getDb } from "../client";
import { apiKeys, usageDaily, usageEvents, usageHourly } from "../schema";

// Reads for the usage API and the dashboard. Whole-day ranges are answered from the daily
// rollups; ranges with a time of day (the last 24 hours) from the hourly rollups for their whole
// hours and from the raw events only for the partial hours at either end. (All raw events, on a
// day of 240,000 of them, held the embedded database, and with it the proxy's event loop, for
// 0.6 s per dashboard view.)

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
function common(t: typeof usageDaily | typeof usageHourly | typeof usageEvents, f: UsageFilter) {
  return [
    eq(t.ownerId, f.ownerId),
    f.keyId ? eq(t.keyId, f.keyId) : undefined,
    f.provider ? eq(t.provider, f.provider) : undefined,
    f.model ? eq(t.model, f.model) : undefined,
    f.environment ? eq(t.environment, f.environment) : undefined,
  ];
}

const HOUR_MS = 3_600_000;

/** Per-hour sums in [from, to): rollups for the whole hours, raw events for the partial ones. */
function hourRows(f: UsageFilter, from: Date, to: Date): SQL {
  const firstWhole = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
  const lastWhole = Math.floor(to.getTime() / HOUR_MS) * HOUR_MS;
  const parts: SQL[] = [];
  const raw = (start: Date, end: Date) => {
    const e = usageEvents;
    parts.push(sql`select date_trunc('hour', ${e.ts}, 'UTC') as hour, ${e.keyId} as key_id, ${e.provider} as provider,
        ${e.model} as model, ${e.environment} as environment, count(*) as requests,
        count(*) filter (where ${e.status} >= 400) as errors, sum(${e.inputTokens}) as input_tokens,
        sum(${e.outputTokens}) as output_tokens, sum(${e.cachedInputTokens}) as cached_input_tokens,
        coalesce(sum(${e.costUsd}), 0) as cost_usd, count(*) filter (where ${e.costUsd} is null) as unpriced_requests
      from ${e} where ${and(...common(e, f), gte(e.ts, start), lt(e.ts, end))} group by 1, 2, 3, 4, 5`);
  };
  if (firstWhole >= lastWhole) {
    raw(from, to);
  } else {
    const h = usageHourly;
    const [a, b] = [new Date(firstWhole), new Date(lastWhole)];
    if (from < a) raw(from, a);
    parts.push(sql`select ${h.hour} as hour, ${h.keyId} as key_id, ${h.provider} as provider, ${h.model} as model,
        ${h.environment} as environment, ${h.requests} as requests, ${h.errors} as errors, ${h.inputTokens} as input_tokens,
        ${h.outputTokens} as output_tokens, ${h.cachedInputTokens} as cached_input_tokens, ${h.costUsd} as cost_usd,
        ${h.unpricedRequests} as unpriced_requests
      from ${h} where ${and(...common(h, f), gte(h.hour, a), lt(h.hour, b))}`);
    if (b < to) raw(b, to);
  }
  return sql`(${sql.join(parts, sql` union all `)}) as s`;
}

function source(f: UsageFilter) {
  if (f.range.kind === "days") {
    const t = usageDaily;
    return {
      from: t,
      where: and(...common(t, f), gte(t.day, f.range.from), lte(t.day, f.range.to)),
      dims: dims(sql`${t.day}::text`, t),
      sums: sums(t),
    };
  }
  const s = { keyId: sql.raw("s.key_id"), provider: sql.raw("s.provider"), model: sql.raw("s.model"), environment: sql.raw("s.environment") };
  const col = (name: string) => sql.raw(`s.${name}`);
  return {
    from: hourRows(f, f.range.from, f.range.to),
    where: undefined,
    dims: dims(sql`((s.hour at time zone 'UTC')::date)::text`, s),
    sums: sums({
      requests: col("requests"),
      errors: col("errors"),
      inputTokens: col("input_tokens"),
      outputTokens: col("output_tokens"),
      cachedInputTokens: col("cached_input_tokens"),
      costUsd: col("cost_usd"),
      unpricedRequests: col("unpriced_requests"),
    }),
    hour: sql`to_char(s.hour at time zone 'UTC', 'YYYY-MM-DD"T"HH24":00:00Z"')`,
  };
}

type Columns<K extends string> = Record<K, SQLWrapper>;

function dims(day: SQL, t: Columns<"keyId" | "provider" | "model" | "environment">): Record<UsageDimension, SQL> {
  return { day, key: sql`${t.keyId}`, provider: sql`${t.provider}`, model: sql`${t.model}`, environment: sql`${t.environment}` };
}

type SumColumn = "requests" | "errors" | "inputTokens" | "outputTokens" | "cachedInputTokens" | "costUsd" | "unpricedRequests";

function sums(t: Columns<SumColumn>) {
  const total = (c: SumColumn) => sql`coalesce(sum(${t[c]}), 0)::float8`.mapWith(asNumber);
  return {
    requests: total("requests"),
    errors: total("errors"),
    inputTokens: total("inputTokens"),
    outputTokens: total("outputTokens"),
    cachedInputTokens: total("cachedInputTokens"),
    costUsd: total("costUsd"),
    unpricedRequests: total("unpricedRequests"),
  };
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
    .from(s.from)
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

/**
 * A key's last hour against the week before it, for the anomaly notice. The week comes from the
 * hourly rollups: counting a busy key's week of raw events took ~0.85 s.
 */
export async function keyActivity(ownerId: string, keyId: string, now: Date): Promise<KeyActivity> {
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
    usageGroups({ ownerId, keyId, range: { kind: "instants", from: weekAgo, to: hourAgo } }, []),
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

export interface UsageHourRow extends UsageSums {
  /** The UTC hour the row covers, "YYYY-MM-DDTHH:00:00Z". */
  hour: string;
  keyId?: string;
  keyName?: string | null;
}

/**
 * Sums per UTC hour (and per key when asked), for the dashboard's last-24-hours view, where
 * a day is too coarse.
 */
export async function usageByHour({ filter, byKey = false }: { filter: UsageFilter; byKey?: boolean }): Promise<UsageHourRow[]> {
  if (filter.range.kind !== "instants") throw new Error("usageByHour needs a range of instants, not whole days.");
  const db = await getDb();
  const s = source(filter);
  const hour = s.hour!;
  const fields: Record<string, SQL | SQL.Aliased> = { ...s.sums, hour };
  const grouped = [hour];
  if (byKey) {
    fields.keyId = s.dims.key;
    grouped.push(s.dims.key);
  }
  const rows = (await db.select(fields).from(s.from).groupBy(...grouped).orderBy(...grouped)) as unknown as UsageHourRow[];
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

/** A key's requests as each store counts them: raw events, hourly and daily rollups (the bench checks they agree). */
export async function usageRecordCounts(ownerId: string, keyId: string): Promise<{ events: number; hourly: number; daily: number }> {
  const db = await getDb();
  const count = async (t: typeof usageEvents | typeof usageHourly | typeof usageDaily, n: SQL) => {
    const [row] = await db
      .select({ n: sql`coalesce(${n}, 0)::float8`.mapWith(asNumber) })
      .from(t)
      .where(and(eq(t.ownerId, ownerId), eq(t.keyId, keyId)));
    return row.n;
  };
  return {
    events: await count(usageEvents, sql`count(*)`),
    hourly: await count(usageHourly, sql`sum(${usageHourly.requests})`),
    daily: await count(usageDaily, sql`sum(${usageDaily.requests})`),
  };
}
