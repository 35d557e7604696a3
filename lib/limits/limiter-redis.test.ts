// Two limiters on one private redis-server stand for two gateway instances behind a load balancer.
// The injected clock numbers the windows (it is passed to the Lua script), so tests drive them.
// Needs redis-server on PATH: without it every test here fails, saying so.
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer } from "@/testing/redis-server";
import type { RedisServer } from "@/testing/redis-server";
import { createLimiter, WINDOW_MS } from "./limiter";
import type { LimitDecision, Limiter, LimitSpec } from "./limiter";

const T0 = Math.floor(Date.UTC(2030, 0, 1) / WINDOW_MS) * WINDOW_MS;

let server: RedisServer;
let admin: Redis;
const opened: Limiter[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  admin.on("error", () => undefined);
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.close()));
});

afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

function instances(count: number, opts: { prefix?: string; url?: string; whenRedisDown?: "share" | "refuse" } = {}) {
  const clock = { now: T0 + 1_000 };
  const logs: string[][] = [];
  const prefix = opts.prefix ?? `t${Math.random().toString(36).slice(2, 8)}:`;
  const limiters = Array.from({ length: count }, (_, i) => {
    logs.push([]);
    const limiter = createLimiter({
      redisUrl: opts.url ?? server.url,
      now: () => clock.now,
      keyPrefix: prefix,
      log: (m) => logs[i].push(m),
      redisTimeoutMs: 200,
      heartbeatIntervalMs: 100,
      whenRedisDown: opts.whenRedisDown,
    });
    opened.push(limiter);
    return limiter;
  });
  return { clock, limiters, logs, prefix };
}

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const healthy = (limiters: Limiter[]) => () => limiters.every((l) => l.status().redisHealthy);
/** Every instance has seen every other's heartbeat. */
const allSeen = (limiters: Limiter[]) => () => limiters.every((l) => l.status().instances === limiters.length);

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await f();
  return { value, ms: performance.now() - start };
}

/** 20 simultaneous requests, alternating between the instances. */
function burst(limiters: Limiter[], keyId: string, spec: LimitSpec, n = 20) {
  return Promise.all(Array.from({ length: n }, (_, i) => limiters[i % limiters.length].acquire(keyId, spec, 0)));
}

describe("limiter (redis)", () => {
  it("shares counters between instances: exactly rpm of 20 simultaneous requests get through", async () => {
    const { limiters } = instances(2);
    await until("both connected", healthy(limiters));
    const decisions = await burst(limiters, "key_a", { requestsPerMinute: 6 });
    expect(decisions.filter((d) => d.allowed)).toHaveLength(6);
    // Each admitted request saw a different count: remaining 5, 4, …, 0.
    const remaining = decisions.filter((d) => d.allowed).map((d) => d.headers["x-ratelimit-remaining-requests"]);
    expect(remaining.sort()).toEqual(["0", "1", "2", "3", "4", "5"]);
    for (const l of limiters)
      expect(l.status()).toMatchObject({ backend: "redis", redisConfigured: true, redisHealthy: true, detail: "redis" });
  });

  it("shares the token window: a settle on one instance is seen by the other", async () => {
    const { limiters } = instances(2);
    const [a, b] = limiters;
    await until("both connected", healthy(limiters));
    const spec = { tokensPerMinute: 1000 };
    const first = await a.acquire("k", spec, 100);
    expect(first.reservation).toMatchObject({ backend: "redis", estimatedTokens: 100 });
    expect((await b.acquire("k", spec, 0)).headers["x-ratelimit-remaining-tokens"]).toBe("900");
    await a.settle(first.reservation!, 700); // an underestimate: 700 used, 100 reserved
    expect((await b.acquire("k", spec, 0)).headers["x-ratelimit-remaining-tokens"]).toBe("300");
    expect(await b.acquire("k", spec, 400)).toMatchObject({ allowed: false, refusedBy: "tokens" });
    const second = await b.acquire("k", spec, 300);
    expect(second.allowed).toBe(true);
    await b.settle(second.reservation!, 20);
    expect((await a.acquire("k", spec, 0)).headers["x-ratelimit-remaining-tokens"]).toBe("280");
  });

  it("answers exactly as the memory backend does", async () => {
    const { clock, limiters } = instances(1);
    await until("connected", healthy(limiters));
    const memClock = { now: clock.now };
    const memory = createLimiter({ now: () => memClock.now });
    const steps: Array<{ at: number; key: string; spec: LimitSpec; est: number; settle?: number }> = [
      { at: 1_000, key: "x", spec: { requestsPerMinute: 3, tokensPerMinute: 500 }, est: 200, settle: 350 },
      { at: 2_000, key: "x", spec: { requestsPerMinute: 3, tokensPerMinute: 500 }, est: 200 },
      { at: 3_000, key: "x", spec: { requestsPerMinute: 3, tokensPerMinute: 500 }, est: 0 },
      { at: 4_000, key: "x", spec: { requestsPerMinute: 3, tokensPerMinute: 500 }, est: 600 },
      { at: 5_000, key: "y", spec: { requestsPerMinute: 2, tokensPerMinute: 500 }, est: 500, settle: 10 },
      { at: 6_000, key: "y", spec: { requestsPerMinute: 2, tokensPerMinute: 500 }, est: 490 },
      { at: 7_000, key: "y", spec: { requestsPerMinute: 2, tokensPerMinute: 500 }, est: 0 },
      { at: 8_000, key: "y", spec: { requestsPerMinute: 2, tokensPerMinute: 500 }, est: 9_999 },
      { at: 9_000, key: "z", spec: { requestsPerMinute: 0 }, est: 0 },
      { at: 59_999, key: "x", spec: { requestsPerMinute: 3 }, est: 0 },
      { at: 60_000, key: "x", spec: { requestsPerMinute: 3, tokensPerMinute: 500 }, est: 500 },
      { at: 61_000, key: "x", spec: { tokensPerMinute: 500 }, est: 1 },
    ];
    const strip = (d: LimitDecision) => ({ ...d, reservation: d.reservation && { ...d.reservation, backend: "-" } });
    for (const step of steps) {
      clock.now = memClock.now = T0 + step.at;
      const [r, m] = [await limiters[0].acquire(step.key, step.spec, step.est), await memory.acquire(step.key, step.spec, step.est)];
      expect(strip(r), JSON.stringify(step)).toEqual(strip(m));
      if (step.settle !== undefined && r.reservation && m.reservation) {
        await limiters[0].settle(r.reservation, step.settle);
        await memory.settle(m.reservation, step.settle);
      }
    }
  });

  it("keeps working after the script cache is flushed (EVALSHA → NOSCRIPT → EVAL)", async () => {
    const { limiters } = instances(1);
    await until("connected", healthy(limiters));
    const spec = { requestsPerMinute: 3 };
    await limiters[0].acquire("k", spec, 0);
    await admin.script("FLUSH");
    const d = await limiters[0].acquire("k", spec, 0);
    expect(d.allowed).toBe(true);
    expect(d.headers["x-ratelimit-remaining-requests"]).toBe("1");
    expect(limiters[0].status().redisHealthy).toBe(true);
  });

  it("lets the window's counters expire after two windows", async () => {
    const { clock, limiters, prefix } = instances(1);
    await until("connected", healthy(limiters));
    await limiters[0].acquire("k", { requestsPerMinute: 3, tokensPerMinute: 100 }, 5);
    const key = `${prefix}k:${Math.floor(clock.now / WINDOW_MS)}`;
    expect(await admin.hgetall(key)).toMatchObject({ r: "1", t: "5" });
    const ttl = await admin.pttl(key);
    expect(ttl).toBeGreaterThan(2 * WINDOW_MS - 5_000);
    expect(ttl).toBeLessThanOrEqual(2 * WINDOW_MS);
  });

  it("while Redis is stopped each instance admits its share, logs once, and adds its counts back when Redis returns", async () => {
    const { clock, limiters, logs } = instances(2);
    const [a, b] = limiters;
    await until("both connected and seen", async () => healthy(limiters)() && allSeen(limiters)());
    const reserved = await a.acquire("tok", { tokensPerMinute: 1000 }, 100);

    await server.stop();
    const spec = { requestsPerMinute: 6 };
    const { value: first, ms } = await timed(() => a.acquire("k", spec, 0));
    expect(first.allowed).toBe(true);
    expect(ms).toBeLessThan(1_000);
    await expect(a.settle(reserved.reservation!, 500)).resolves.toBeUndefined();
    await until("both unhealthy", () => limiters.every((l) => !l.status().redisHealthy));
    for (const l of limiters) {
      expect(l.status()).toMatchObject({
        backend: "memory",
        redisConfigured: true,
        redisHealthy: false,
        detail: "memory (redis unavailable)",
      });
    }
    // Two instances alive: each admits 3 of the 6 (2 more for a, which took one above), not 6 each.
    const { value: during, ms: burstMs } = await timed(() => burst(limiters, "k", spec, 20));
    expect(burstMs).toBeLessThan(2_000);
    expect(during.filter((d, i) => d.allowed && i % 2 === 0)).toHaveLength(2);
    expect(during.filter((d, i) => d.allowed && i % 2 === 1)).toHaveLength(3);
    for (const l of logs) {
      expect(l).toHaveLength(1);
      expect(l[0]).toContain("each instance admits its share of every limit (1/2 of what is left) until Redis returns");
    }

    await server.start();
    await until("both healthy again", healthy(limiters), 15_000);
    for (const l of logs) {
      expect(l).toHaveLength(2);
      expect(l[1]).toMatch(/Redis is back/);
    }
    // The minute's 6, admitted while Redis was away, are added back: nothing more this minute.
    const sameMinute = await burst(limiters, "k", spec, 10);
    expect(sameMinute.filter((d) => d.allowed)).toHaveLength(0);
    clock.now += WINDOW_MS;
    const after = await burst(limiters, "k", spec, 20);
    expect(after.filter((d) => d.allowed)).toHaveLength(6);
    expect(b.status().backend).toBe("redis");
  });

  it("three instances around a Redis restart admit the minute's limit once, not three times", async () => {
    const { limiters } = instances(3);
    await until("all connected and seen", async () => healthy(limiters)() && allSeen(limiters)());
    const spec = { requestsPerMinute: 300 };
    const before = await burst(limiters, "r300", spec, 90);
    expect(before.every((d) => d.allowed)).toBe(true);
    await server.stop();
    // Each of three had 30 of its 100 admitted by Redis: each may admit 70 more of the 600 asked for.
    const during = await burst(limiters, "r300", spec, 600);
    expect(during.filter((d) => d.allowed)).toHaveLength(210);
    await server.start();
    await until("all healthy again", healthy(limiters), 15_000);
    const afterwards = await burst(limiters, "r300", spec, 60);
    expect(afterwards.filter((d) => d.allowed)).toHaveLength(0);
  });

  it("refuses limited keys while Redis is away when told to, and serves keys without limits", async () => {
    const { limiters, logs } = instances(1, { whenRedisDown: "refuse" });
    const [a] = limiters;
    await until("connected", healthy(limiters));
    await server.stop();
    try {
      await until("unhealthy", async () => {
        await a.acquire("z", { requestsPerMinute: 100 }, 0);
        return !a.status().redisHealthy;
      });
      const refused = await a.acquire("z", { requestsPerMinute: 100 }, 0);
      expect(refused).toMatchObject({ allowed: false, refusedBy: "requests" });
      expect((await a.acquire("free", {}, 0)).allowed).toBe(true);
      expect(logs[0][0]).toContain("limited keys are refused until Redis returns");
    } finally {
      await server.start();
    }
    await until("healthy again", healthy(limiters), 15_000);
  });

  it("a slow answer is not an outage: one timeout keeps Redis in use, three in a row switch to the share", async () => {
    const { limiters, logs } = instances(1);
    const [a] = limiters;
    await until("connected", healthy(limiters));
    server.pause();
    try {
      const { value, ms } = await timed(() => a.acquire("p", { requestsPerMinute: 1 }, 0));
      expect(value.allowed).toBe(true);
      expect(ms).toBeLessThan(1_000);
      expect(a.status().redisHealthy).toBe(true);
      expect(logs[0]).toHaveLength(0);
      await a.acquire("p2", { requestsPerMinute: 5 }, 0);
      await a.acquire("p3", { requestsPerMinute: 5 }, 0);
      expect(a.status().redisHealthy).toBe(false);
      expect(logs[0]).toHaveLength(1);
      expect(logs[0][0]).toMatch(/timed out/i);
      // Down: later calls skip Redis altogether, and "p" has had its one this minute.
      const { value: next, ms: nextMs } = await timed(() => a.acquire("p", { requestsPerMinute: 1 }, 0));
      expect(nextMs).toBeLessThan(50);
      expect(next.allowed).toBe(false);
    } finally {
      server.resume();
    }
    await until("healthy again", healthy(limiters), 15_000);
  });

  it("carries on from the shared count when Redis times out mid-minute, not from zero", async () => {
    const { limiters } = instances(1);
    await until("connected", healthy(limiters));
    const spec = { requestsPerMinute: 6 };
    const before = await burst(limiters, "mid", spec, 4);
    expect(before.every((d) => d.allowed)).toBe(true);
    server.pause();
    try {
      const during = await burst(limiters, "mid", spec, 6);
      // 4 already counted in Redis: this one instance lets the last 2 of this minute's 6 through, no more.
      expect(during.filter((d) => d.allowed)).toHaveLength(2);
    } finally {
      server.resume();
    }
    await until("healthy again", healthy(limiters), 15_000);
  });

  it("starts against an unreachable Redis without throwing, and closes quickly", async () => {
    const dead = await startRedisServer();
    await dead.stop();
    const { limiters, logs } = instances(1, { url: dead.url });
    const [a] = limiters;
    const { value, ms } = await timed(() => a.acquire("k", { requestsPerMinute: 1, tokensPerMinute: 10 }, 5));
    expect(value.allowed).toBe(true);
    expect(value.reservation?.backend).toBe("memory");
    expect(ms).toBeLessThan(1_000);
    await a.settle(value.reservation!, 10);
    expect((await a.acquire("k", { requestsPerMinute: 1 }, 0)).allowed).toBe(false);
    expect(a.status()).toMatchObject({ backend: "memory", redisHealthy: false });
    expect(logs[0]).toHaveLength(1);
    const { ms: closeMs } = await timed(() => a.close());
    expect(closeMs).toBeLessThan(500);
    expect(a.status().detail).toBe("closed");
    expect((await a.acquire("k2", { requestsPerMinute: 1 }, 0)).allowed).toBe(true);
  });
});
