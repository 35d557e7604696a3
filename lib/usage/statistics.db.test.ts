import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { createKey } from "@/lib/keys/service";
import { testCaller, useDatabase } from "@/testing/db";
import { usageEvent } from "@/testing/usage-events";
import { flushUsage, recordUsage } from "./recorder";

useDatabase();

// PGlite has no autovacuum: without statistics the recent-requests list sorted all of a key's
// events (148 ms at 300,000 events against 2.4 ms analyzed). Postgres analyzes on its own.
// (Its own file: the recorder's schedule starts with the process.)
describe.skipIf(process.env.DATABASE_URL)("the embedded database's statistics", () => {
  it("follow the events table: analyzed at once when never, then after max(10,000, its size) more events", async () => {
    const caller = testCaller();
    const k = await createKey(caller, { name: "s", environment: "live" });
    const db = await getDb();
    const analyzedRows = async () => {
      const res = await db.execute(sql`select reltuples::float8 as n from pg_class where relname = 'usage_events'`);
      return Number((res as unknown as { rows: { n: number }[] }).rows[0].n);
    };
    let ms = 0;
    const record = async (n: number) => {
      for (let i = 0; i < n; i++) recordUsage(usageEvent(caller.ownerId, k.id, { ts: new Date(Date.UTC(2026, 10, 22) + ms++) }));
      await flushUsage();
    };

    expect(await analyzedRows()).toBe(-1); // never analyzed
    await record(1_000);
    expect(await analyzedRows()).toBe(1_000);
    await record(2_000);
    await record(7_000);
    expect(await analyzedRows()).toBe(1_000); // 9,000 since: not due
    await record(1_000);
    expect(await analyzedRows()).toBe(11_000);
  });
});
