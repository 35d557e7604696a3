import bcrypt from "bcryptjs";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { apiKeys } from "@/db/schema";
import { testCaller, useDatabase } from "@/testing/db";
import { generateKey } from "./format";
import { createKey, revokeOwnerKey, updateOwnerKey } from "./service";
import { clearVerifierCache, forgetKey, verifierStats, verifyKey } from "./verifier";

useDatabase();

const caller = () => testCaller();

beforeEach(() => clearVerifierCache());

describe("key storage", () => {
  it("stores a bcrypt hash and nothing from which the key can be read", async () => {
    const created = await createKey(caller(), { name: "stored", environment: "live" });
    const db = await getDb();
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row.keyHash).toMatch(/^\$2[aby]\$04\$/); // BCRYPT_COST=4 in tests
    expect(await bcrypt.compare(created.key, row.keyHash)).toBe(true);
    const secretPart = created.key.slice(created.prefix.length);
    expect(JSON.stringify(row)).not.toContain(created.key);
    expect(JSON.stringify(row)).not.toContain(secretPart);
  });
});

describe("key verification", () => {
  it("costs one bcrypt for 100 uses of the same key", async () => {
    const created = await createKey(caller(), { name: "hot", environment: "live" });
    clearVerifierCache(); // forget the creation-time entry: start cold
    const before = verifierStats().bcryptCompares;
    for (let i = 0; i < 100; i++) expect((await verifyKey(created.key)).ok).toBe(true);
    expect(verifierStats().bcryptCompares - before).toBe(1);
  });

  it("shares one bcrypt among concurrent cold verifications of one key", async () => {
    const created = await createKey(caller(), { name: "burst", environment: "live" });
    clearVerifierCache();
    const before = verifierStats().bcryptCompares;
    const results = await Promise.all(Array.from({ length: 20 }, () => verifyKey(created.key)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(verifierStats().bcryptCompares - before).toBe(1);
  });

  it("a cold verification at production cost does not hold up keys already verified", async () => {
    const warm = await createKey(caller(), { name: "warm", environment: "live" });
    const cold = await createKey(caller(), { name: "cold", environment: "live" });
    // Re-hash the cold key at the production cost (10): a compare takes tens of milliseconds.
    const db = await getDb();
    await db
      .update(apiKeys)
      .set({ keyHash: await bcrypt.hash(cold.key, 10) })
      .where(eq(apiKeys.id, cold.id));
    clearVerifierCache();
    expect((await verifyKey(warm.key)).ok).toBe(true); // warm it up again

    const order: string[] = [];
    const coldDone = verifyKey(cold.key).then((r) => order.push(`cold:${r.ok}`));
    // Each warm verification waits a macrotask first, so all of them run while the bcrypt is under way.
    const warmDone = Array.from({ length: 20 }, async () => {
      await new Promise((r) => setImmediate(r));
      const r = await verifyKey(warm.key);
      order.push(`warm:${r.ok}`);
    });
    await Promise.all([coldDone, ...warmDone]);
    // bcryptjs works in slices between event-loop turns: the cached key is answered in between.
    expect(order.at(-1)).toBe("cold:true");
    expect(order.slice(0, 20).every((o) => o === "warm:true")).toBe(true);
  });

  it("a revocation that overtakes a cold lookup is not cached as the old answer", async () => {
    const created = await createKey(caller(), { name: "race", environment: "live" });
    clearVerifierCache();
    const lookup = verifyKey(created.key); // reads the row before the revocation lands
    forgetKey(created.id); // what a revocation (here or broadcast from elsewhere) does
    expect((await lookup).ok).toBe(true);
    const before = verifierStats().lookups;
    await verifyKey(created.key);
    expect(verifierStats().lookups).toBe(before + 1); // asked the database again
    const after = verifierStats().lookups;
    await verifyKey(created.key);
    expect(verifierStats().lookups).toBe(after); // and cached that answer
  });

  it("needs no bcrypt at all for a key just created", async () => {
    const created = await createKey(caller(), { name: "fresh", environment: "test" });
    const before = verifierStats();
    const result = await verifyKey(created.key);
    expect(result.ok && result.key.environment).toBe("test");
    expect(verifierStats().bcryptCompares).toBe(before.bcryptCompares);
    expect(verifierStats().lookups).toBe(before.lookups);
  });

  it("refuses typos without touching the database", async () => {
    const created = await createKey(caller(), { name: "typo", environment: "live" });
    const typo = created.key.slice(0, -1) + (created.key.endsWith("a") ? "b" : "a");
    const before = verifierStats();
    expect(await verifyKey(typo)).toEqual({ ok: false, reason: "malformed" });
    expect(await verifyKey("not a key")).toEqual({ ok: false, reason: "malformed" });
    expect(verifierStats().lookups).toBe(before.lookups);
  });

  it("caches failures: an unknown key is looked up once per cache lifetime", async () => {
    const stranger = generateKey().key; // well-formed, never stored
    const before = verifierStats().lookups;
    for (let i = 0; i < 10; i++) expect(await verifyKey(stranger)).toEqual({ ok: false, reason: "invalid" });
    expect(verifierStats().lookups - before).toBe(1);
  });

  it("refuses a revoked key at once on this instance, and only that key", async () => {
    const owner = caller();
    const a = await createKey(owner, { name: "a", environment: "live" });
    const b = await createKey(owner, { name: "b", environment: "live" });
    expect((await verifyKey(a.key)).ok).toBe(true);
    await revokeOwnerKey(owner, a.id);
    expect(await verifyKey(a.key)).toEqual({ ok: false, reason: "revoked" });
    expect((await verifyKey(b.key)).ok).toBe(true);
  });

  it("after a revocation or a new limit, 20 simultaneous requests all see it, none the old answer", async () => {
    const owner = caller();
    const k = await createKey(owner, { name: "changing", environment: "live" });
    expect((await verifyKey(k.key)).ok).toBe(true);
    await updateOwnerKey(owner, k.id, { limits: { requests_per_minute: 6 } });
    const limited = await Promise.all(Array.from({ length: 20 }, () => verifyKey(k.key)));
    expect(limited.map((r) => (r.ok ? r.key.policy.requestsPerMinute : r.reason))).toEqual(Array(20).fill(6));
    await revokeOwnerKey(owner, k.id);
    const revoked = await Promise.all(Array.from({ length: 20 }, () => verifyKey(k.key)));
    expect(revoked).toEqual(Array(20).fill({ ok: false, reason: "revoked" }));
  });

  it("refuses an expired key even while it is cached", async () => {
    const created = await createKey(caller(), { name: "expiring", environment: "live" });
    const db = await getDb();
    await db
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() + 150) })
      .where(eq(apiKeys.id, created.id));
    clearVerifierCache();
    expect((await verifyKey(created.key)).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(await verifyKey(created.key)).toEqual({ ok: false, reason: "expired" });
  });
});
