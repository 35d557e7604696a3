import { describe, expect, it } from "vitest";
import { createKey } from "@/lib/keys/service";
import { testCaller, useDatabase } from "@/testing/db";
import { usageEvent } from "@/testing/usage-events";
import { keyRequestPage, keyRequestTotal, MAX_REQUEST_PAGE, type RequestCursor } from "./usage-requests";
import { insertUsageBatch } from "./usage-write";

useDatabase();

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

/** A key with `n` requests, three to a millisecond (so the keyset's id tie-break matters), status 200 + i. */
async function keyWithRequests(n: number) {
  const caller = testCaller();
  const k = await createKey(caller, { name: "paged", environment: "live" });
  const events = Array.from({ length: n }, (_, i) =>
    usageEvent(caller.ownerId, k.id, { ts: new Date(T0 + Math.floor(i / 3)), latencyMs: i, status: 200 }),
  );
  await insertUsageBatch({ events });
  return { ownerId: caller.ownerId, keyId: k.id };
}

describe("a key's requests a page at a time", () => {
  it("walks every request once, newest first, older and back newer, ties on ts included", async () => {
    const key = await keyWithRequests(45);
    const page = (cursor: RequestCursor | null) => keyRequestPage({ ...key, cursor, limit: 20 });

    const p1 = await page(null);
    expect(p1).toMatchObject({ hasNewer: false, hasOlder: true, newerCount: 0 });
    const p2 = await page({ direction: "older", id: p1.rows.at(-1)!.id });
    expect(p2).toMatchObject({ hasNewer: true, hasOlder: true, newerCount: 20 });
    const p3 = await page({ direction: "older", id: p2.rows.at(-1)!.id });
    expect(p3).toMatchObject({ hasNewer: true, hasOlder: false, newerCount: 40 });
    expect(p3.rows).toHaveLength(5);

    // latencyMs is the insertion index: newest first is 44 down to 0, each exactly once.
    const seen = [...p1.rows, ...p2.rows, ...p3.rows].map((r) => r.latencyMs);
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => 44 - i));

    const back = await page({ direction: "newer", id: p3.rows[0].id });
    expect(back.rows.map((r) => r.id)).toEqual(p2.rows.map((r) => r.id));
    expect(back).toMatchObject({ hasNewer: true, hasOlder: true, newerCount: 20 });
    // Fewer than a page newer than page 2: "newer" gives the (full) first page.
    const top = await page({ direction: "newer", id: p2.rows[0].id });
    expect(top.rows.map((r) => r.id)).toEqual(p1.rows.map((r) => r.id));
    expect(top.hasNewer).toBe(false);
    expect(await keyRequestTotal(key)).toBe(45);
  });

  it("is bounded: at most MAX_REQUEST_PAGE rows, and a cursor naming no request of this key is the first page", async () => {
    const key = await keyWithRequests(MAX_REQUEST_PAGE + 5);
    const other = await keyWithRequests(3);
    expect((await keyRequestPage({ ...key, cursor: null, limit: 10_000 })).rows).toHaveLength(MAX_REQUEST_PAGE);
    expect((await keyRequestPage({ ...key, cursor: null, limit: Number.NaN })).rows).toHaveLength(1);
    expect((await keyRequestPage({ ...key, cursor: null, limit: -5 })).rows).toHaveLength(1);

    const first = await keyRequestPage({ ...key, cursor: null, limit: 20 });
    const foreign = (await keyRequestPage({ ...other, cursor: null, limit: 20 })).rows[0].id;
    for (const cursor of [
      { direction: "older", id: foreign }, // another key's request
      { direction: "older", id: 9_007_199_254_740_991 },
      { direction: "newer", id: 0 },
      { direction: "older", id: 1.5 },
    ] as RequestCursor[]) {
      const got = await keyRequestPage({ ...key, cursor, limit: 20 });
      expect(got.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
      expect(got.hasNewer).toBe(false);
    }
    // Older than the oldest: nothing there, so the first page rather than an empty one.
    const last = await keyRequestPage({ ...key, cursor: null, limit: MAX_REQUEST_PAGE });
    const oldest = (await keyRequestPage({ ...key, cursor: { direction: "older", id: last.rows.at(-1)!.id }, limit: 20 })).rows.at(-1)!;
    const past = await keyRequestPage({ ...key, cursor: { direction: "older", id: oldest.id }, limit: 20 });
    expect(past.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
  });

  it("tells the gateway's own refusals from the provider's answers with the same status", async () => {
    const caller = testCaller();
    const k = await createKey(caller, { name: "refused", environment: "live" });
    await insertUsageBatch({
      events: [
        usageEvent(caller.ownerId, k.id, { ts: new Date(T0), status: 429, ttfbMs: 40 }),
        usageEvent(caller.ownerId, k.id, { ts: new Date(T0 + 1), status: 402, ttfbMs: null, costUsd: 0, inputTokens: 0, outputTokens: 0 }),
      ],
    });
    const { rows } = await keyRequestPage({ ownerId: caller.ownerId, keyId: k.id, cursor: null, limit: 20 });
    expect(rows.map((r) => [r.status, r.refused])).toEqual([
      [402, true],
      [429, false],
    ]);
  });
});
