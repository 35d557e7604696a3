import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { apiKeys, usageDaily, usageEvents } from "@/db/schema";
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
});
