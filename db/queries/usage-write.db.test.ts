import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { apiKeys, usageDaily, usageEvents, usageHourly } from "@/db/schema";
import { createKey } from "@/lib/keys/service";
import { testCaller, useDatabase } from "@/testing/db";
import { usageEvent } from "@/testing/usage-events";
import { insertUsageBatch } from "./usage-write";

useDatabase();

// The embedded database takes batches as CSV through COPY, Postgres as one JSON parameter:
// both must store exactly what was recorded, whatever a client put in the model name.
describe("writing a usage batch", () => {
  it("stores every field exactly, odd model names and missing values included", async () => {
    const caller = testCaller();
    const k = await createKey(caller, { name: "w", environment: "live" });
    const odd = ['gpt-4o, "quoted"', "line\nbreak", "back\\slash", "tab\there", "ünïcødé 模型", "", "NULL", "\\N"];
    const events = odd.map((model, i) =>
      usageEvent(caller.ownerId, k.id, {
        ts: new Date(Date.UTC(2026, 10, 20, 12, 0, i, 123)),
        model,
        status: i === 0 ? 429 : 200,
        inputTokens: 1000 + i,
        outputTokens: 20 + i,
        cachedInputTokens: i,
        costUsd: i % 2 === 0 ? Number((0.000123 * (i + 1)).toFixed(10)) : null, // numeric(20,10) keeps 10 places
        latencyMs: 5 + i,
        ttfbMs: i % 3 === 0 ? null : 2 + i,
        streamed: i % 2 === 1,
        aborted: i === 3,
      }),
    );
    await insertUsageBatch({ events });

    const db = await getDb();
    const stored = await db.select().from(usageEvents).where(eq(usageEvents.keyId, k.id)).orderBy(usageEvents.ts);
    expect(stored.map(({ id: _, ...row }) => row)).toEqual(events);

    const daily = await db.select().from(usageDaily).where(eq(usageDaily.keyId, k.id));
    expect(daily).toHaveLength(odd.length);
    for (const e of events) {
      const row = daily.find((d) => d.model === e.model)!;
      expect(row).toMatchObject({ day: "2026-11-20", requests: 1, errors: e.status >= 400 ? 1 : 0, inputTokens: e.inputTokens });
      expect(row.unpricedRequests).toBe(e.costUsd === null ? 1 : 0);
      expect(row.costUsd).toBeCloseTo(e.costUsd ?? 0, 12);
    }
    const [key] = await db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, k.id));
    expect(key.at).toEqual(events.at(-1)!.ts);
  });

  it("keeps each rollup, daily and hourly, exactly the sum of its stored events, across keys, days, hours and batches", async () => {
    const caller = testCaller();
    const keys = [await createKey(caller, { name: "a", environment: "live" }), await createKey(caller, { name: "b", environment: "test" })];
    // Costs a float sum would get wrong: past ten places (Postgres rounds them), exponent forms,
    // 0.1 + 0.2, and unpriced calls; statuses that count as errors; two UTC days, three hours.
    const costs = [0.1 + 0.2, 1.5e-7, 5e-11, 4.9e-11, 0.12345678905, 0.000123456789123, 3.3, null, 7e-10, 0.0001];
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const events = Array.from({ length: 600 }, (_, i) =>
      usageEvent(caller.ownerId, keys[i % 2].id, {
        environment: i % 2 === 0 ? "live" : "test",
        ts: new Date(Date.UTC(2026, 10, 20, 22, 30, 0) + (next() % 9_000_000)), // 22:30 to 01:00 UTC
        model: ["m1", "m2", "m3"][next() % 3],
        status: next() % 9 === 0 ? 500 : 200,
        inputTokens: next() % 5000,
        outputTokens: next() % 900,
        cachedInputTokens: next() % 50,
        costUsd: costs[next() % costs.length],
      }),
    );
    await insertUsageBatch({ events: events.slice(0, 250) });
    await insertUsageBatch({ events: events.slice(250) });

    const db = await getDb();
    const owner = caller.ownerId;
    const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows);
    const buckets = [
      { table: "usage_daily", fromEvent: "(ts at time zone 'UTC')::date::text", fromRollup: "day::text", rows: 12 }, // 2 keys × 2 days × 3 models
      { table: "usage_hourly", fromEvent: "date_trunc('hour', ts, 'UTC')::text", fromRollup: "hour::text", rows: 18 }, // × 3 hours
    ];
    for (const b of buckets) {
      const fromEvents = await db.execute(sql`
        select key_id, ${sql.raw(b.fromEvent)} as bucket, model, count(*)::int as requests,
               (count(*) filter (where status >= 400))::int as errors, sum(input_tokens)::text as input,
               sum(output_tokens)::text as output, sum(cached_input_tokens)::text as cached,
               coalesce(sum(cost_usd), 0)::numeric(24,10)::text as cost, (count(*) filter (where cost_usd is null))::int as unpriced,
               min(environment) as environment
        from usage_events where owner_id = ${owner} group by 1, 2, 3 order by 1, 2, 3`);
      const fromRollups = await db.execute(sql`
        select key_id, ${sql.raw(b.fromRollup)} as bucket, model, requests::int as requests, errors::int as errors,
               input_tokens::text as input, output_tokens::text as output, cached_input_tokens::text as cached,
               cost_usd::text as cost, unpriced_requests::int as unpriced, environment
        from ${sql.raw(b.table)} where owner_id = ${owner} order by 1, 2, 3`);
      expect(rowsOf(fromEvents), b.table).toHaveLength(b.rows);
      expect(rowsOf(fromRollups), b.table).toEqual(rowsOf(fromEvents));
    }
    const [a] = await db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, keys[0].id));
    expect(a.at).toEqual(new Date(Math.max(...events.filter((e) => e.keyId === keys[0].id).map((e) => e.ts.getTime()))));
  });

  it("a second batch adds to the same rollup rows; an empty one changes nothing", async () => {
    const caller = testCaller();
    const k = await createKey(caller, { name: "w", environment: "live" });
    const one = (ts: string) =>
      usageEvent(caller.ownerId, k.id, { ts: new Date(ts), model: "m", inputTokens: 10, outputTokens: 5, costUsd: 0.5 });
    await insertUsageBatch({ events: [one("2026-11-20T01:00:00Z"), one("2026-11-20T02:00:00Z")] });
    await insertUsageBatch({ events: [one("2026-11-20T03:00:00Z")] });
    await insertUsageBatch({ events: [] });
    const db = await getDb();
    const daily = await db.select().from(usageDaily).where(eq(usageDaily.keyId, k.id));
    expect(daily).toHaveLength(1);
    expect(daily[0]).toMatchObject({ requests: 3, inputTokens: 30, outputTokens: 15, costUsd: 1.5 });
  });

  // Several instances write to one Postgres at once, their batches touching the same rollup rows
  // in whatever order their events came: every batch lands (no deadlock), and the sums are exact.
  it.skipIf(!process.env.DATABASE_URL)("concurrent batches over the same rollup rows all land, exactly", async () => {
    const caller = testCaller();
    const keys = [await createKey(caller, { name: "a", environment: "live" }), await createKey(caller, { name: "b", environment: "live" })];
    let seed = 3;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const batches = Array.from({ length: 10 }, () =>
      Array.from({ length: 300 }, () =>
        usageEvent(caller.ownerId, keys[next() % 2].id, {
          ts: new Date(Date.UTC(2026, 10, 20, 0, 0, 0) + (next() % 86_400_000)),
          model: ["m1", "m2", "m3"][next() % 3],
        }),
      ),
    );
    await Promise.all(batches.map((events) => insertUsageBatch({ events })));
    const db = await getDb();
    const [hourly] = await db
      .select({ n: sql`sum(${usageHourly.requests})::int`.mapWith(Number), rows: sql`count(*)::int`.mapWith(Number) })
      .from(usageHourly)
      .where(eq(usageHourly.ownerId, caller.ownerId));
    const [daily] = await db
      .select({ n: sql`sum(${usageDaily.requests})::int`.mapWith(Number) })
      .from(usageDaily)
      .where(eq(usageDaily.ownerId, caller.ownerId));
    expect(hourly).toEqual({ n: 3000, rows: 144 }); // 2 keys × 3 models × 24 hours
    expect(daily.n).toBe(3000);
  });
});
