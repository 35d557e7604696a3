import { describe, expect, it } from "vitest";
import { insertUsageBatch } from "@/db/queries/usage-write";
import { createKey, updateOwnerKey } from "@/lib/keys/service";
import { testCaller, useDatabase } from "@/testing/db";
import { usageEvent } from "@/testing/usage-events";
import { loadKeyPage, loadRequestsPage, parseRequestCursor } from "./key-page";

useDatabase();

const now = new Date(Date.UTC(2026, 11, 20, 15, 30, 0));
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

describe("the key page's request cursor", () => {
  it("reads older.<id> and newer.<id>; anything else is the first page", () => {
    expect(parseRequestCursor("older.42")).toEqual({ direction: "older", id: 42 });
    expect(parseRequestCursor("newer.9007199254740991")).toEqual({ direction: "newer", id: 9_007_199_254_740_991 });
    for (const raw of [
      undefined,
      "",
      "older.",
      "older.0",
      "older.042",
      "older.-1",
      "older.1.5",
      "sideways.3",
      "older.9007199254740993", // past the safe integers
      "older.12345678901234567", // too many digits
      `older.1${" ".repeat(40)}`,
      ["older.1", "older.2"],
      "OLDER.1",
    ]) {
      expect(parseRequestCursor(raw), String(raw)).toBeNull();
    }
  });
});

describe("the key page's data", () => {
  it("labels the pages 1–20, 21–40, 41–45 of 45 and links them both ways", async () => {
    const caller = testCaller();
    const k = await createKey(caller, { name: "busy", environment: "test" });
    await insertUsageBatch({ events: Array.from({ length: 45 }, (_, i) => usageEvent(caller.ownerId, k.id, { ts: ago(45 - i) })) });
    const args = { ownerId: caller.ownerId, keyId: k.id };

    const p1 = await loadRequestsPage({ ...args, cursor: null });
    expect(p1).toMatchObject({ start: 1, end: 20, total: 45, newer: null, startIsLowerBound: false });
    expect(p1.older).toMatch(/^older\.\d+$/);
    const p2 = await loadRequestsPage({ ...args, cursor: parseRequestCursor(p1.older!) });
    expect(p2).toMatchObject({ start: 21, end: 40, total: 45 });
    const p3 = await loadRequestsPage({ ...args, cursor: parseRequestCursor(p2.older!) });
    expect(p3).toMatchObject({ start: 41, end: 45, older: null });
    expect(p3.newer).toMatch(/^newer\.\d+$/);
    expect((await loadRequestsPage({ ...args, cursor: parseRequestCursor(p3.newer!) })).start).toBe(21);
    // The rows reach the client as plain data: an ISO time, no key material.
    expect(Object.keys(p1.rows[0]).sort()).toEqual(
      [
        "aborted",
        "cachedInputTokens",
        "costUsd",
        "endpoint",
        "id",
        "inputTokens",
        "latencyMs",
        "model",
        "outputTokens",
        "provider",
        "refused",
        "status",
        "streamed",
        "ts",
        "ttfbMs",
      ].sort(),
    );
    expect(typeof p1.rows[0].ts).toBe("string");
  });

  it("a key only refused by its budget: budget reached, refusals counted, and no unusual activity", async () => {
    const caller = testCaller();
    const k = await createKey(caller, { name: "spent", environment: "live" });
    await updateOwnerKey(caller, k.id, { limits: { monthly_budget_usd: 0.001 } });
    const refused = Array.from({ length: 40 }, (_, i) =>
      usageEvent(caller.ownerId, k.id, { ts: ago(1 + i / 2), status: 402, inputTokens: 0, outputTokens: 0, costUsd: 0, ttfbMs: null }),
    );
    await insertUsageBatch({ events: [usageEvent(caller.ownerId, k.id, { ts: ago(50), costUsd: 0.002 }), ...refused] });

    const data = await loadKeyPage({ ownerId: caller.ownerId, keyId: k.id, now });
    expect(data!.limitState).toMatchObject({ budgetReached: true, budgetUsd: 0.001, spentUsd: 0.002 });
    expect(data!.limitState!.refusals).toMatchObject({ budget: 40, rateLimit: 0, allowList: 0 });
    expect(data!.anomalies).toEqual([]);
    expect(data!.requests.rows[0]).toMatchObject({ status: 402, refused: true });
    expect(data!.totals.requests).toBe(41);

    // The same 40 failures from the provider (with a first byte) are a sign of trouble.
    const other = await createKey(caller, { name: "failing", environment: "live" });
    await insertUsageBatch({
      events: refused.map((e) => ({ ...e, keyId: other.id, status: 503, ttfbMs: 20 })),
    });
    const failing = await loadKeyPage({ ownerId: caller.ownerId, keyId: other.id, now });
    expect(failing!.anomalies.map((a) => a.kind)).toContain("errors");
  });

  it("is null for another owner's key", async () => {
    const k = await createKey(testCaller(), { name: "theirs", environment: "live" });
    expect(await loadKeyPage({ ownerId: testCaller().ownerId, keyId: k.id, now })).toBeNull();
  });
});
