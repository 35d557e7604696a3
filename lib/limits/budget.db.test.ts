import { DrizzleQueryError } from "drizzle-orm/errors";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { insertUsageBatch } from "@/db/queries/usage-write";
import { resetEnv } from "@/lib/env";
import { createKey } from "@/lib/keys/service";
import { recordUsage, flushUsage } from "@/lib/usage/recorder";
import { usageEvent } from "@/testing/usage-events";
import { testCaller, useDatabase } from "@/testing/db";
import { clearBudgetSnapshots, monthSpend, noteSpend } from "./budget";

// The spend query, with a switch to make the database refuse or stall (a promise that never settles).
const fault = vi.hoisted(() => ({ mode: null as null | "refuse" | "stall", reads: 0 }));
vi.mock("@/db/queries/usage-read", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/db/queries/usage-read")>();
  return {
    ...real,
    keySpendInMonth(args: { keyId: string; month: string }) {
      fault.reads++;
      if (fault.mode === "stall") return new Promise<number>(() => {});
      if (fault.mode === "refuse") {
        const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
        return Promise.reject(new DrizzleQueryError("select …", [args.keyId, args.month], refused));
      }
      return real.keySpendInMonth(args);
    },
  };
});

useDatabase();
beforeEach(() => {
  clearBudgetSnapshots();
  fault.mode = null;
  fault.reads = 0;
});

const event = (ownerId: string, keyId: string, ts: string, costUsd: number | null) =>
  usageEvent(ownerId, keyId, { ts: new Date(ts), costUsd });

describe("monthly spend", () => {
  it("counts the current UTC month only: a new month starts from zero", async () => {
    const caller = testCaller();
    const k = await createKey(caller, { name: "b", environment: "live" });
    await insertUsageBatch({
      events: [
        event(caller.ownerId, k.id, "2026-10-31T23:59:59Z", 3),
        event(caller.ownerId, k.id, "2026-11-01T00:00:00Z", 1.25),
        event(caller.ownerId, k.id, "2026-11-15T12:00:00Z", 0.5),
        event(caller.ownerId, k.id, "2026-11-16T12:00:00Z", null), // unpriced: not counted
      ],
    });
    expect(await monthSpend(k.id, Date.parse("2026-10-20T00:00:00Z"))).toBe(3);
    clearBudgetSnapshots();
    expect(await monthSpend(k.id, Date.parse("2026-11-20T00:00:00Z"))).toBe(1.75);
    clearBudgetSnapshots();
    expect(await monthSpend(k.id, Date.parse("2026-12-01T00:00:00Z"))).toBe(0);
  });

  it("includes this instance's events not yet written, and costs noted after the snapshot", async () => {
    const caller = testCaller();
    const k = await createKey(caller, { name: "b", environment: "live" });
    const now = Date.now();
    recordUsage(event(caller.ownerId, k.id, new Date(now).toISOString(), 0.25)); // buffered, unwritten
    expect(await monthSpend(k.id, now)).toBeCloseTo(0.25, 10);
    noteSpend(k.id, 0.5, now);
    expect(await monthSpend(k.id, now)).toBeCloseTo(0.75, 10);
    await flushUsage();
    clearBudgetSnapshots();
    expect(await monthSpend(k.id, now)).toBeCloseTo(0.25, 10); // the note was this test's, never recorded
  });
});

describe("monthly spend while the database is away", () => {
  beforeEach(() => {
    process.env.KEY_CACHE_TTL_MS = "0"; // every check wants a fresh snapshot
    process.env.DATABASE_QUERY_TIMEOUT_MS = "200";
    resetEnv();
  });
  afterEach(() => {
    delete process.env.KEY_CACHE_TTL_MS;
    delete process.env.DATABASE_QUERY_TIMEOUT_MS;
    resetEnv();
    vi.useRealTimers();
  });

  async function keyWithSpend(usd: number) {
    const caller = testCaller();
    const k = await createKey(caller, { name: "b", environment: "live" });
    await insertUsageBatch({ events: [event(caller.ownerId, k.id, new Date().toISOString(), usd)] });
    return k;
  }

  it("refusing: a key with this month's snapshot keeps it, with the costs noted since", async () => {
    const k = await keyWithSpend(2);
    expect(await monthSpend(k.id)).toBe(2);
    fault.mode = "refuse";
    noteSpend(k.id, 0.5);
    expect(await monthSpend(k.id)).toBe(2.5);
  });

  it("refusing: a key without a snapshot is refused with 503 and Retry-After, then at once for a while", async () => {
    const k = await keyWithSpend(2);
    fault.mode = "refuse";
    await expect(monthSpend(k.id)).rejects.toMatchObject({ message: expect.stringContaining("Failed query") });
    const reads = fault.reads;
    await expect(monthSpend(k.id)).rejects.toMatchObject({ code: "unavailable", status: 503, headers: { "Retry-After": "2" } });
    expect(fault.reads).toBe(reads); // no new read for every request while it is known to be away
  });

  it("stalled: a key with a snapshot gets it within the query timeout; the one read under way is shared", async () => {
    const k = await keyWithSpend(3);
    expect(await monthSpend(k.id)).toBe(3);
    fault.mode = "stall";
    const reads = fault.reads;
    const answers = await Promise.all(Array.from({ length: 20 }, () => monthSpend(k.id)));
    expect(answers).toEqual(Array(20).fill(3));
    expect(fault.reads).toBe(reads + 1);
  });

  it("stalled: a key without a snapshot is refused with 503 once the query timeout passes, not left waiting", async () => {
    const k = await keyWithSpend(3);
    fault.mode = "stall";
    const answers = await Promise.allSettled([monthSpend(k.id), monthSpend(k.id)]);
    for (const a of answers) expect(a).toMatchObject({ status: "rejected", reason: { code: "unavailable", status: 503 } });
  });

  it("after the database returns, the next read after the retry delay is fresh: no key stays stuck", async () => {
    const k = await keyWithSpend(1.5);
    fault.mode = "stall";
    await expect(monthSpend(k.id)).rejects.toMatchObject({ code: "unavailable" });
    fault.mode = null;
    await vi.waitFor(() => expect(monthSpend(k.id)).resolves.toBe(1.5), { timeout: 5_000, interval: 100 });
  });
});
