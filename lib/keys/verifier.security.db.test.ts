import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { apiKeys } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { resetEnv } from "@/lib/env";
import { testCaller, useDatabase } from "@/testing/db";
import { forgeKey as forge, idPartOf } from "@/testing/forge-key";
import { bcryptThreadCount } from "./hash";
import { createKey } from "./service";
import { clearVerifierCache, verifierLimits, verifierStats, verifyKey } from "./verifier";

// Attacks on key verification, replayed: bcrypt floods on a known key id, forged keys of
// random ids, and a database that goes away under verified keys.

useDatabase();

// Each forged key of a random id costs one indexed read; SOAK_FORGED=300000 replays the attack at full size.
const FORGED = Number(process.env.SOAK_FORGED ?? 20_000);

const defaults = { ...verifierLimits() };
beforeEach(() => clearVerifierCache());
afterEach(() => {
  verifierLimits(defaults);
  delete process.env.KEY_VERIFY_QUEUE_MAX;
  delete process.env.KEY_CACHE_TTL_MS;
  resetEnv();
});

async function settle(key: string): Promise<string> {
  try {
    const r = await verifyKey(key);
    return r.ok ? "ok" : r.reason;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.headers["retry-after"]).toMatch(/^\d+$/);
    return String(e.status);
  }
}

describe("a bcrypt flood on a known key id", () => {
  it("costs a bounded number of bcrypts and never holds back a key that already verified", async () => {
    const attacker = await createKey(testCaller(), { name: "attacker", environment: "live" });
    const victim = await createKey(testCaller(), { name: "victim", environment: "live" });
    clearVerifierCache();
    expect((await verifyKey(victim.key)).ok).toBe(true);
    const before = verifierStats().bcryptCompares;

    const order: string[] = [];
    const flood = Array.from({ length: 200 }, () =>
      settle(forge(idPartOf(attacker.id))).then((r) => {
        order.push("flood");
        return r;
      }),
    );
    const victims = Array.from({ length: 20 }, async () => {
      await new Promise((r) => setImmediate(r));
      const r = await settle(victim.key);
      order.push("victim");
      return r;
    });
    const [floodResults, victimResults] = await Promise.all([Promise.all(flood), Promise.all(victims)]);

    expect(victimResults.every((r) => r === "ok")).toBe(true);
    // Every forged secret was refused: wrong (bcrypt), or throttled / queue full without one.
    expect(floodResults.every((r) => r === "invalid" || r === "429" || r === "503")).toBe(true);
    expect(floodResults.filter((r) => r === "429").length).toBeGreaterThan(150);
    // A handful of bcrypts for 200 forged keys, and the victim's answers came before the flood's last.
    const spent = verifierStats().bcryptCompares - before;
    // The tenth failure closes the id; only the bcrypts already running by then finish.
    expect(spent).toBeLessThanOrEqual(defaults.idFailures + bcryptThreadCount() - 1);
    expect(order.lastIndexOf("victim")).toBeLessThan(order.lastIndexOf("flood"));
  });

  it("remembers a failed secret: the same forged key twice costs one bcrypt", async () => {
    const k = await createKey(testCaller(), { name: "known", environment: "live" });
    const forged = forge(idPartOf(k.id));
    const before = verifierStats().bcryptCompares;
    expect(await settle(forged)).toBe("invalid");
    expect(await settle(forged)).toBe("invalid");
    expect(verifierStats().bcryptCompares - before).toBe(1);
  });

  it("refuses with 503 and Retry-After once the cold queue is full, and serves what it took", async () => {
    process.env.KEY_VERIFY_QUEUE_MAX = "3";
    resetEnv();
    const keys = await Promise.all(
      Array.from({ length: 12 }, (_, i) => createKey(testCaller(), { name: `cold${i}`, environment: "live" })),
    );
    clearVerifierCache();
    const results = await Promise.all(keys.map((k) => settle(k.key)));
    expect(results.filter((r) => r === "503").length).toBeGreaterThan(0);
    expect(results.every((r) => r === "ok" || r === "503")).toBe(true);
    expect(verifierStats().queued).toBe(0);
    // Once the burst is over, the refused keys verify.
    for (const k of keys) expect(await settle(k.key)).toBe("ok");
  });
});

describe("forged keys of random ids", () => {
  it(
    "keep every cache and index at its bound, and the heap flat",
    async () => {
      verifierLimits({ failures: 2_000 });
      setFlagsFromString("--expose-gc");
      const gc = runInNewContext("gc") as () => void;
      const heap = () => {
        gc();
        return process.memoryUsage().heapUsed;
      };
      const round = async (n: number) => {
        for (let i = 0; i < n; i += 100) {
          const batch = Array.from({ length: 100 }, () => settle(forge()));
          expect((await Promise.all(batch)).every((r) => r === "invalid")).toBe(true);
        }
      };
      await round(5_000);
      const warm = heap();
      await round(FORGED);
      const s = verifierStats();
      expect(s.failures).toBe(2_000);
      expect(s.indexedIds).toBe(0);
      expect(s.countedIds).toBe(0);
      expect(s.inflight).toBe(0);
      // Many more forged keys left no trace beyond the bounded caches (a few MB of noise at most).
      expect(heap() - warm).toBeLessThan(8 * 1024 * 1024);
    },
    30_000 + FORGED,
  ); // a database read per forged key: about a millisecond each
});

describe("verified keys are refreshed without bcrypt", () => {
  it("re-reads the row every KEY_CACHE_TTL_MS: a new policy applies, no second bcrypt", async () => {
    process.env.KEY_CACHE_TTL_MS = "50";
    resetEnv();
    const k = await createKey(testCaller(), { name: "refresh", environment: "live" });
    clearVerifierCache();
    expect((await verifyKey(k.key)).ok).toBe(true);
    const before = verifierStats();
    const db = await getDb();
    await db.update(apiKeys).set({ requestsPerMinute: 7 }).where(eq(apiKeys.id, k.id));
    await new Promise((r) => setTimeout(r, 80));
    const r = await verifyKey(k.key);
    expect(r.ok && r.key.policy.requestsPerMinute).toBe(7);
    expect(verifierStats().bcryptCompares).toBe(before.bcryptCompares);
    expect(verifierStats().lookups).toBe(before.lookups + 1);
    await db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, k.id));
    await new Promise((r) => setTimeout(r, 80));
    expect(await verifyKey(k.key)).toEqual({ ok: false, reason: "revoked" });
  });

  it("keeps serving a verified key while the database refuses connections, and a cold one gets 503", async () => {
    const k = await createKey(testCaller(), { name: "outage", environment: "live" });
    const cold = await createKey(testCaller(), { name: "cold", environment: "live" });
    clearVerifierCache();
    expect((await verifyKey(k.key)).ok).toBe(true);
    const saved = { url: process.env.DATABASE_URL, dir: process.env.DATA_DIR };
    try {
      // A real refused connection: nothing listens on port 1.
      await closeDb();
      process.env.DATABASE_URL = "postgres://postgres@127.0.0.1:1/none";
      process.env.KEY_CACHE_TTL_MS = "0";
      resetEnv();
      for (let i = 0; i < 5; i++) expect((await verifyKey(k.key)).ok).toBe(true);
      const refused = await verifyKey(cold.key).then(
        () => null,
        (err: unknown) => err,
      );
      expect(refused).not.toBeNull();
    } finally {
      await closeDb();
      process.env.DATABASE_URL = saved.url;
      process.env.DATA_DIR = saved.dir;
      delete process.env.KEY_CACHE_TTL_MS;
      resetEnv();
      await migrateDatabase();
    }
  });
});
