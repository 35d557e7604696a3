import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { revokeKey, updateKey } from "@/db/queries/keys";
import { resetEnv } from "@/lib/env";
import { testCaller, useDatabase } from "@/testing/db";
import { changeFeedLimits, changeFeedStats, stopKeyChangeFeed } from "./change-feed";
import { createKey } from "./service";
import { verifierStats, verifyKey } from "./verifier";

// Many verified keys past their TTL cost one read of the changed keys, not one read each; and a
// change made by another instance (a revocation written to the database, no broadcast) is still
// seen within the TTL.

const TTL_MS = 600;

useDatabase();
beforeAll(() => {
  process.env.KEY_CACHE_TTL_MS = String(TTL_MS);
  resetEnv();
  stopKeyChangeFeed(); // started again at the next verification, at this TTL's pace
});
afterAll(() => {
  stopKeyChangeFeed();
  delete process.env.KEY_CACHE_TTL_MS;
  resetEnv();
});

/** Until a read that began after `t` has caught up: every change committed before `t` is applied. */
const caughtUpSince = (t: number) =>
  vi.waitFor(() => expect(changeFeedStats().lastGoodRead ?? 0).toBeGreaterThanOrEqual(t), { timeout: 15_000, interval: 20 });

/** Entries past their TTL, and the feed fresh enough to be trusted (a loaded machine may lag it). */
async function pastTtlWithFreshFeed(): Promise<void> {
  await new Promise((r) => setTimeout(r, 2 * TTL_MS));
  await caughtUpSince(Date.now());
}

describe("the key change feed", () => {
  it("serves 300 verified keys past their TTL without a read per key", async () => {
    const owner = testCaller();
    const keys = [];
    for (let i = 0; i < 300; i++) keys.push(await createKey(owner, { name: `many ${i}`, environment: "live" }));
    for (const k of keys) expect((await verifyKey(k.key)).ok).toBe(true);
    await pastTtlWithFreshFeed();
    const before = verifierStats().lookups;
    const reads = changeFeedStats().reads;
    for (const k of keys) expect((await verifyKey(k.key)).ok).toBe(true);
    // Every entry is older than the TTL: without the feed each of the 300 would be read again.
    expect(verifierStats().lookups - before).toBeLessThan(5);
    expect(changeFeedStats().reads).toBeGreaterThanOrEqual(reads);
    expect(changeFeedStats().running).toBe(true);
  });

  it("sees a revocation written by another instance within the TTL", async () => {
    const owner = testCaller();
    const k = await createKey(owner, { name: "revoked elsewhere", environment: "live" });
    expect((await verifyKey(k.key)).ok).toBe(true);
    // The row changes, and this process is not told (no broadcast, no keyChanged here): refused
    // within the TTL and a read's time (three TTLs of room for a loaded machine).
    expect(await revokeKey({ ownerId: owner.ownerId, id: k.id })).not.toBeNull();
    await vi.waitFor(async () => expect(await verifyKey(k.key)).toEqual({ ok: false, reason: "revoked" }), {
      timeout: 3 * TTL_MS,
      interval: 20,
    });
  });

  it("catches up with more changes than a page holds, all within its overlap, and trusts again", async () => {
    // 120 keys renamed within a second, 2 pages of 25 a tick: the reads must carry on from tick to
    // tick through five pages; starting over at each tick would never get past the first fifty.
    changeFeedLimits({ pageRows: 25, pages: 2 });
    try {
      const owner = testCaller();
      const keys = [];
      for (let i = 0; i < 120; i++) keys.push(await createKey(owner, { name: `burst ${i}`, environment: "live" }));
      for (const k of keys) await updateKey({ ownerId: owner.ownerId, id: k.id, changes: { name: `renamed ${k.id}` } });
      await caughtUpSince(Date.now()); // the feed has marked all 120 changed
      for (const k of keys) await verifyKey(k.key); // each re-read once, after its change
      await pastTtlWithFreshFeed();
      const before = verifierStats().lookups;
      for (const k of keys) expect((await verifyKey(k.key)).ok).toBe(true);
      expect(verifierStats().lookups - before).toBeLessThan(5);
    } finally {
      changeFeedLimits({ pageRows: 1_000, pages: 10 });
    }
  });
});
