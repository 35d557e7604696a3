import { and, eq, gte, inArray, lt, lte, type SQL, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { apiKeys, usageDaily, usageEvents, usageHourly } from "@/db/schema";
import type { UsageDimension, UsageFilter, UsageGroupRow } from "@/db/queries/usage-read";
import { commonFilters, HOUR_MS } from "@/db/queries/usage-source";

// The usage reads as they were before a read was sliced and whole days of a range of instants came
// from the daily rollups (commit 8caca58): one statement, over the daily rollups for whole-day
// ranges, else over every whole hour's rollups and the partial hours' events. Kept for
// bench/usage-ranges.ts, which times it against today's reads side by side on the same data.

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
  if (firstWhole >= lastWhole) raw(from, to);
  else {
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

type Column = UsageDimension | "hour";
const DIMS: Record<Column, SQL> = {
  day: sql`((s.hour at time zone 'UTC')::date)::text`,
  hour: sql`to_char(s.hour at time zone 'UTC', 'YYYY-MM-DD"T"HH24":00:00Z"')`,
  key: sql.raw("s.key_id"),
  provider: sql.raw("s.provider"),
  model: sql.raw("s.model"),
  environment: sql.raw("s.environment"),
};
const SUMS = ["requests", "errors", "input_tokens", "output_tokens", "cached_input_tokens", "cost_usd", "unpriced_requests"];
const camel = (s: string) => s.replace(/_(.)/g, (_, c: string) => c.toUpperCase());

/** The usage groups of a range, read as before (with the keys' names); "hour" groups as usageByHour did. */
export async function usageGroupsBefore({ filter, groupBy }: { filter: UsageFilter; groupBy: Column[] }): Promise<UsageGroupRow[]> {
  const db = await getDb();
  const r = filter.range;
  const d = usageDaily;
  const daily = sql`(select ${d.day}::timestamp at time zone 'UTC' as hour, * from ${d}
    where ${and(...commonFilters(d, filter), r.kind === "days" ? and(gte(d.day, r.from), lte(d.day, r.to)) : undefined)}) as s`;
  const from = r.kind === "days" ? daily : hourRows(filter, r.from, r.to);
  const by = Object.fromEntries(
    groupBy.map((c) => [c === "key" ? "keyId" : c, r.kind === "days" && c === "day" ? sql`s.day::text` : DIMS[c]]),
  );
  const sums = Object.fromEntries(SUMS.map((c) => [camel(c), sql`coalesce(sum(${sql.raw(`s.${c}`)}), 0)::float8`.mapWith(Number)]));
  const grouped = Object.values(by);
  const rows = (await db
    .select({ ...sums, ...by })
    .from(from)
    .groupBy(...grouped)
    .orderBy(...grouped)) as unknown as UsageGroupRow[];
  if (!groupBy.includes("key") || rows.length === 0) return rows;
  const ids = [...new Set(rows.map((r) => r.keyId!))];
  const keys = await db
    .select({ id: apiKeys.id, name: apiKeys.name })
    .from(apiKeys)
    .where(and(eq(apiKeys.ownerId, filter.ownerId), inArray(apiKeys.id, ids)));
  const names = new Map(keys.map((k) => [k.id, k.name]));
  for (const r of rows) r.keyName = names.get(r.keyId!) ?? null;
  return rows;
}
