import { eq } from "drizzle-orm";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { usageDaily, usageEvents } from "@/db/schema";
import { createKey } from "@/lib/keys/service";
import { testCaller, useDatabase } from "@/testing/db";
import { usageEvent } from "@/testing/usage-events";
import { flushAllUsage } from "@/lib/lifecycle";
import { flushUsage, pendingCostOf, recordUsage, usageRecorderLimits, usageRecorderStats } from "./recorder";

// The batch write, with a switch to make the database refuse connections (the fault test in
// lib/gateway/db-faults.security.db.test.ts does it for real, through a relay).
const fault = vi.hoisted(() => ({ refusing: false, attempts: 0 }));
vi.mock("@/db/queries/usage-write", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/db/queries/usage-write")>();
  return {
    ...real,
    insertUsageBatch(batch: Parameters<typeof real.insertUsageBatch>[0]) {
      fault.attempts++;
      if (!fault.refusing) return real.insertUsageBatch(batch);
      const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
      return Promise.reject(new DrizzleQueryError("insert …", [], refused));
    },
  };
});

useDatabase();
afterEach(() => vi.restoreAllMocks());

async function stored(keyId: string) {
  const db = await getDb();
  return db.select().from(usageEvents).where(eq(usageEvents.keyId, keyId)).orderBy(usageEvents.ts);
}

// One event Postgres refuses must never hold back the others: a caller could send it on purpose.
describe("the usage recorder", () => {
  it("stores what Postgres could not take as sent: NUL in a model name, a huge name, odd token counts", async () => {
    const caller = testCaller();
    const k = await createKey(caller, { name: "r", environment: "live" });
    const at = (s: number) => new Date(Date.UTC(2026, 10, 20, 12, 0, s));
    recordUsage(usageEvent(caller.ownerId, k.id, { ts: at(1), model: "gpt\u0000x" }));
    recordUsage(usageEvent(caller.ownerId, k.id, { ts: at(2), model: "m".repeat(10_000) }));
    recordUsage(usageEvent(caller.ownerId, k.id, { ts: at(3), inputTokens: 12.5, outputTokens: 3e9, cachedInputTokens: -4 }));
    recordUsage(usageEvent(caller.ownerId, k.id, { ts: at(4), outputTokens: Number.NaN, latencyMs: 1e12 }));
    // 1e308 tokens are finite, but their cost is not: it is unknown, not a number to store.
    recordUsage(usageEvent(caller.ownerId, k.id, { ts: at(5), outputTokens: 1e308, costUsd: Number.POSITIVE_INFINITY }));
    await flushUsage();

    const rows = await stored(k.id);
    expect(rows.map((r) => r.model)).toEqual(["gpt\uFFFDx", "m".repeat(256), "gpt-5.2", "gpt-5.2", "gpt-5.2"]);
    expect(rows[2]).toMatchObject({ inputTokens: 13, outputTokens: 2_147_483_647, cachedInputTokens: 0 });
    expect(rows[3]).toMatchObject({ outputTokens: 0, latencyMs: 2_147_483_647 });
    expect(rows[4]).toMatchObject({ outputTokens: 2_147_483_647, costUsd: null });
    const db = await getDb();
    const daily = await db.select().from(usageDaily).where(eq(usageDaily.keyId, k.id));
    expect(daily.reduce((n, d) => n + d.requests, 0)).toBe(5);
    expect(daily.reduce((n, d) => n + d.unpricedRequests, 0)).toBe(1);
  });

  it("drops only an event the database refuses, says so, and writes the rest of its batch", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const caller = testCaller();
    const k = await createKey(caller, { name: "r", environment: "live" });
    const before = usageRecorderStats();
    const at = (s: number) => new Date(Date.UTC(2026, 10, 21, 12, 0, s));
    for (let i = 0; i < 40; i++) {
      // numeric(20,10) holds less than 1e10 USD: Postgres refuses this one event.
      recordUsage(usageEvent(caller.ownerId, k.id, { ts: at(i), costUsd: i === 17 ? 1e12 : 0.001 }));
    }
    await flushUsage();

    const rows = await stored(k.id);
    expect(rows).toHaveLength(39);
    expect(rows.some((r) => r.ts.getTime() === at(17).getTime())).toBe(false);
    const after = usageRecorderStats();
    expect(after.refused - before.refused).toBe(1);
    expect(after.buffered).toBe(0);
    expect(errors.mock.calls.some((c) => String(c[0]).includes(`refused a usage event of key ${k.id}`))).toBe(true);

    // And the recorder goes on: the next events are written as usual.
    recordUsage(usageEvent(caller.ownerId, k.id, { ts: at(50) }));
    await flushUsage();
    expect(await stored(k.id)).toHaveLength(40);
  });
});

describe("the usage recorder while the database is away", () => {
  afterEach(() => {
    fault.refusing = false;
    usageRecorderLimits({ maxBuffered: 200_000, retryMs: 1_000, retryMaxMs: 30_000 });
  });

  it("backs off exponentially however often a flush is asked for, logs the outage once, and a stop still writes at once", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const caller = testCaller();
    const k = await createKey(caller, { name: "backoff", environment: "live" });
    usageRecorderLimits({ retryMs: 50, retryMaxMs: 400 });
    fault.refusing = true;
    fault.attempts = 0;
    recordUsage(usageEvent(caller.ownerId, k.id, { costUsd: 0.01 }));
    // Every request of a serverless function asks for a flush: here, one every 5 ms for 1.5 s.
    const until = performance.now() + 1_500;
    while (performance.now() < until) {
      void flushUsage();
      await new Promise((r) => setTimeout(r, 5));
    }
    await flushUsage();
    // Attempts at about 0, 50, 150, 350, 750, 1150 ms, then every 400: far from one per request (300) or per 50 ms (30).
    expect(fault.attempts).toBeGreaterThanOrEqual(4);
    expect(fault.attempts).toBeLessThanOrEqual(9);
    const outageLines = errors.mock.calls.filter((c) => String(c[0]).includes("could not write usage events"));
    expect(outageLines).toHaveLength(1);

    // The database is back, but the next attempt is far off: a plain flush waits, a stop's flush does not.
    usageRecorderLimits({ retryMs: 50, retryMaxMs: 60_000 });
    for (let i = 0; i < 12; i++) await flushUsage({ urgent: true }); // twelve more failures: the backoff is long now
    fault.refusing = false;
    await flushUsage();
    expect(usageRecorderStats().buffered).toBe(1);
    await flushUsage({ urgent: true });
    expect(usageRecorderStats().buffered).toBe(0);
    expect((await stored(k.id)).length).toBe(1);
  });

  it("keeps the newest events in a bounded buffer, counts and logs the dropped, writes the rest once it returns", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const caller = testCaller();
    const k = await createKey(caller, { name: "r", environment: "live" });
    const before = usageRecorderStats();
    usageRecorderLimits({ maxBuffered: 50 });
    fault.refusing = true;
    const at = (i: number) => new Date(Date.UTC(2026, 10, 22, 12, 0, i));
    for (let i = 0; i < 80; i++) recordUsage(usageEvent(caller.ownerId, k.id, { ts: at(i), costUsd: 0.01 }));
    await flushUsage(); // one attempt, refused: nothing is lost but what did not fit

    const during = usageRecorderStats();
    expect(during.buffered).toBe(50);
    expect(during.dropped - before.dropped).toBe(30);
    expect(pendingCostOf(k.id)).toBeCloseTo(0.5, 10); // budgets count what is still to be written, not what was dropped
    expect(errors.mock.calls.some((c) => String(c[0]).includes("usage buffer full (50 events)"))).toBe(true);
    expect(errors.mock.calls.some((c) => String(c[0]).includes("could not write usage events, will retry; 50 buffered"))).toBe(true);

    fault.refusing = false;
    await vi.waitFor(
      async () => {
        await flushUsage();
        expect(usageRecorderStats().buffered).toBe(0);
      },
      { timeout: 5_000, interval: 100 },
    );
    const rows = await stored(k.id);
    expect(rows.map((r) => r.ts.getTime())).toEqual(Array.from({ length: 50 }, (_, i) => at(30 + i).getTime()));
    expect(pendingCostOf(k.id)).toBe(0);
    expect(errors.mock.calls.some((c) => String(c[0]).includes("usage events are being written again"))).toBe(true);
  });

  it("a serverless after() keeps trying within its time, on the backoff, and writes once the database answers", async () => {
    const caller = testCaller();
    const k = await createKey(caller, { name: "after", environment: "live" });
    vi.spyOn(console, "error").mockImplementation(() => {});
    usageRecorderLimits({ retryMs: 50, retryMaxMs: 400 });
    fault.refusing = true;
    fault.attempts = 0;
    recordUsage(usageEvent(caller.ownerId, k.id, { costUsd: 0.01 }));
    // Twenty requests' after() at once, each trying for 600 ms: they share each attempt.
    const left = await Promise.all(Array.from({ length: 20 }, () => flushAllUsage(600, { urgent: false })));
    expect(left.every((n) => n === 1)).toBe(true);
    expect(fault.attempts).toBeGreaterThanOrEqual(2);
    expect(fault.attempts).toBeLessThanOrEqual(6);
    fault.refusing = false;
    expect(await flushAllUsage(2_000, { urgent: false })).toBe(0);
    expect((await stored(k.id)).length).toBe(1);
  });
});
