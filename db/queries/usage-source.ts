import { and, eq, gte, lt, lte, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { usageDaily, usageEvents, usageHourly } from "../schema";

// Which tables a usage read comes from, as a FROM clause with its grouping columns and sums:
// whole-day ranges from the daily rollups; ranges with a time of day (the last 24 hours) from the
// hourly rollups for their whole hours and from the raw events only for the partial hours at
// either end. (All raw events of a busy day held the embedded database, and with it the proxy's
// event loop, for the better part of a second per dashboard view.)

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

export const asNumber = (v: unknown) => Number(v ?? 0);

/** The filters the three tables share: they name their columns alike. */
export function commonFilters(t: typeof usageDaily | typeof usageHourly | typeof usageEvents, f: UsageFilter) {
  return [
    eq(t.ownerId, f.ownerId),
    f.keyId ? eq(t.keyId, f.keyId) : undefined,
    f.provider ? eq(t.provider, f.provider) : undefined,
    f.model ? eq(t.model, f.model) : undefined,
    f.environment ? eq(t.environment, f.environment) : undefined,
  ];
}

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
      from ${e} where ${and(...commonFilters(e, f), gte(e.ts, start), lt(e.ts, end))} group by 1, 2, 3, 4, 5`);
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
      from ${h} where ${and(...commonFilters(h, f), gte(h.hour, a), lt(h.hour, b))}`);
    if (b < to) raw(b, to);
  }
  return sql`(${sql.join(parts, sql` union all `)}) as s`;
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

export interface UsageSource {
  from: SQL | typeof usageDaily;
  where: SQL | undefined;
  /** The grouping column of each dimension. */
  dims: Record<UsageDimension, SQL>;
  /** The summed columns, named as UsageSums names them. */
  sums: ReturnType<typeof sums>;
  /** The UTC hour as "YYYY-MM-DDTHH:00:00Z": only ranges of instants have one. */
  hour?: SQL;
}

export function usageSource(f: UsageFilter): UsageSource {
  if (f.range.kind === "days") {
    const t = usageDaily;
    return {
      from: t,
      where: and(...commonFilters(t, f), gte(t.day, f.range.from), lte(t.day, f.range.to)),
      dims: dims(sql`${t.day}::text`, t),
      sums: sums(t),
    };
  }
  const s = {
    keyId: sql.raw("s.key_id"),
    provider: sql.raw("s.provider"),
    model: sql.raw("s.model"),
    environment: sql.raw("s.environment"),
  };
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
