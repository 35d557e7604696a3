import { beforeEach, describe, expect, it } from "vitest";
import { insertUsageBatch } from "@/db/queries/usage-write";
import { createKey } from "@/lib/keys/service";
import { recordUsage, flushUsage } from "@/lib/usage/recorder";
import { usageEvent } from "@/testing/usage-events";
import { testCaller, useDatabase } from "@/testing/db";
import { clearBudgetSnapshots, monthSpend, noteSpend } from "./budget";

useDatabase();
beforeEach(() => clearBudgetSnapshots());

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
