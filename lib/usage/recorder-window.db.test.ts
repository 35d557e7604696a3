import { and, eq, isNotNull, sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { getDb, getEmbeddedClient } from "@/db/client";
import { apiKeys, usageDaily, usageEvents, usageHourly } from "@/db/schema";
import { testCaller, useDatabase } from "@/testing/db";
import { usageEvent } from "@/testing/usage-events";
import { flushUsage, recordUsage, usageRecorderStats } from "./recorder";

// Thousands of keys each used once or twice: a batch has a rollup row for nearly every event,
// spread over several statements of one transaction on the embedded database.

useDatabase();

/** `n` keys of a fresh owner, inserted directly: bcrypt for thousands would take the test's time. */
async function manyKeys(n: number) {
  const { ownerId } = testCaller();
  const ids = Array.from({ length: n }, (_, i) => `key_w${ownerId.slice(-8)}${i}`);
  const db = await getDb();
  await db
    .insert(apiKeys)
    .values(
      ids.map((id) => ({ id, ownerId, name: id, environment: "live" as const, prefix: "ne_live_x", keyHash: "-", createdBy: "user_test" })),
    );
  return { ownerId, ids };
}

async function totals(ownerId: string) {
  const db = await getDb();
  const count = (t: typeof usageHourly | typeof usageDaily) =>
    db
      .select({ n: sql`coalesce(sum(${t.requests}), 0)::int`.mapWith(Number) })
      .from(t)
      .where(eq(t.ownerId, ownerId));
  const [[events], [hourly], [daily], [used]] = await Promise.all([
    db
      .select({ n: sql`count(*)::int`.mapWith(Number) })
      .from(usageEvents)
      .where(eq(usageEvents.ownerId, ownerId)),
    count(usageHourly),
    count(usageDaily),
    db
      .select({ n: sql`count(*)::int`.mapWith(Number) })
      .from(apiKeys)
      .where(and(eq(apiKeys.ownerId, ownerId), isNotNull(apiKeys.lastUsedAt))),
  ]);
  return { events: events.n, hourly: hourly.n, daily: daily.n, used: used.n };
}

const at = (ms: number) => new Date(Date.UTC(2026, 10, 22, 11, 59, 0) + ms);

describe("usage of thousands of keys", () => {
  it("is written exactly once, events and rollups alike, across an hour's turn", async () => {
    const { ownerId, ids } = await manyKeys(2_500);
    // 3,500 events over two hours and 2,500 keys: several statements' worth of events and groups.
    for (let i = 0; i < 3_500; i++) recordUsage(usageEvent(ownerId, ids[i % ids.length], { ts: at(i * 40) }));
    await flushUsage();
    expect(await totals(ownerId)).toEqual({ events: 3_500, hourly: 3_500, daily: 3_500, used: 2_500 });
  });

  it("is all or nothing a batch: an event refused in a later statement leaves no half of it behind", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { ownerId, ids } = await manyKeys(1_500);
    // numeric(20,10) holds less than 1e10 USD: the database refuses the 2,900th event only.
    for (let i = 0; i < 3_000; i++)
      recordUsage(usageEvent(ownerId, ids[i % ids.length], { ts: at(i * 10), costUsd: i === 2_900 ? 1e12 : 0.001 }));
    const before = usageRecorderStats();
    await flushUsage();
    expect(usageRecorderStats().refused - before.refused).toBe(1);
    // Had the statements before the refused one been kept, events would count twice.
    expect(await totals(ownerId)).toEqual({ events: 2_999, hourly: 2_999, daily: 2_999, used: 1_500 });
    vi.mocked(console.error).mockRestore();
  });

  it("waits longer to write while batches are mostly rollup groups, 32 s at most, and 1 s again after", async () => {
    const embedded = await getEmbeddedClient();
    const { ownerId, ids } = await manyKeys(2_000);
    const windows: number[] = [];
    const oneKeyRound = async (round: number) => {
      for (let i = 0; i < 2_000; i++) recordUsage(usageEvent(ownerId, ids[0], { ts: at(round * 1_000 + i) }));
      await flushUsage();
      return usageRecorderStats().windowMs;
    };
    // The tests before may have widened it: one key's batches bring it back first.
    for (let round = 0; round < 6; round++) await oneKeyRound(round);
    expect(usageRecorderStats().windowMs).toBe(1_000);
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 2_000; i++) recordUsage(usageEvent(ownerId, ids[i], { ts: at(round * 1_000 + i) }));
      await flushUsage();
      windows.push(usageRecorderStats().windowMs);
    }
    for (let round = 0; round < 6; round++) windows.push(await oneKeyRound(round));
    // On Postgres a batch is one statement of 1,000 events, its work the database's: no reason to wait.
    const expected = embedded ? [4, 16, 32, 32, 32, 32, 16, 8, 4, 2, 1, 1] : Array(12).fill(1);
    expect(windows).toEqual(expected.map((s) => s * 1_000));
    expect((await totals(ownerId)).events).toBe(36_000);
  });
});
