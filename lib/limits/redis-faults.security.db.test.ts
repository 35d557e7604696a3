import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resetEnv } from "@/lib/env";
import { createKey } from "@/lib/keys/service";
import { testCaller, useDatabase } from "@/testing/db";
import { startGateway, type Door, type Gateway } from "@/testing/gateway-harness";
import { startRedisServer, type RedisServer } from "@/testing/redis-server";
import { PROVIDER_KEYS } from "@/testing/sdk-clients";
import { createLimiter, WINDOW_MS, type Limiter } from "./limiter";
import { closePolicyRuntime, policyRuntime } from "./runtime";

// Issue 16, the fault test's Redis half: the gateway's rate limits on a private redis-server that
// is stopped, paused and started again. While it is away every request is answered within a
// bounded time and each of the two instances admits its half of a limit; once it is back, the gateway and another
// instance (a limiter of its own on the same Redis) count each key's requests together again.
// Needs redis-server on PATH.

/** Longest an answer may take while Redis is away: the limiter's 1 s Redis wait, with room to spare. */
const BOUND_MS = 2_000;
const RPM = 1_000;

let redis: RedisServer;
let other: Limiter;
const savedRedisUrl = process.env.REDIS_URL;
beforeAll(async () => {
  redis = await startRedisServer();
  process.env.REDIS_URL = redis.url;
  await closePolicyRuntime(); // the gateway's limiter starts on first use, on this Redis
  resetEnv();
  other = createLimiter({ redisUrl: redis.url, log: () => {} });
});
afterAll(async () => {
  // Registered before useDatabase's, so it runs after it has closed the gateway's limiter (a stack).
  await other?.close();
  await redis?.stop();
  if (savedRedisUrl === undefined) delete process.env.REDIS_URL;
  else process.env.REDIS_URL = savedRedisUrl;
  resetEnv();
});
useDatabase();
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
  policyRuntime();
  await bothHealthy();
});
afterAll(() => gw?.close());

const limited = (rpm = RPM) => createKey(testCaller(), { name: "limited", environment: "live", limits: { requests_per_minute: rpm } });

async function send(door: Door, key: string) {
  const started = performance.now();
  const res = await fetch(`${gw.urls[door]}/v1/openai/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "x-provider-api-key": PROVIDER_KEYS.openai, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] }),
    signal: AbortSignal.timeout(5 * BOUND_MS),
  });
  await res.arrayBuffer();
  return { status: res.status, remaining: res.headers.get("x-ratelimit-remaining-requests"), ms: performance.now() - started };
}

function bothHealthy() {
  return vi.waitFor(
    () => {
      expect(policyRuntime().limiter.status().redisHealthy).toBe(true);
      expect(other.status().redisHealthy).toBe(true);
      // Each has seen the other's heartbeat: an outage then splits every limit in two.
      expect(policyRuntime().limiter.status().instances).toBe(2);
      expect(other.status().instances).toBe(2);
    },
    { timeout: 15_000, interval: 100 },
  );
}

/** The other instance takes two requests of a fresh key, the gateway one: each sees the other's. */
async function expectShared(door: Door) {
  // Right after Redis returns, a backlog can make a reply slow: one slow reply is answered from the
  // instance's share (not an outage), so sharing is asked to hold within a few attempts, not at once.
  for (let attempt = 1; ; attempt++) {
    const key = await limited();
    const window = Math.floor(Date.now() / WINDOW_MS);
    await other.acquire(key.id, { requestsPerMinute: RPM }, 0);
    await other.acquire(key.id, { requestsPerMinute: RPM }, 0);
    const viaGateway = await send(door, key.key);
    const after = await other.acquire(key.id, { requestsPerMinute: RPM }, 0);
    // A window that ended meanwhile restarts every count, and a slow reply is answered alone: try again with another key.
    const shared = viaGateway.remaining === String(RPM - 3) && after.headers["x-ratelimit-remaining-requests"] === String(RPM - 4);
    if ((Math.floor(Date.now() / WINDOW_MS) !== window || !shared) && attempt < 6) {
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    expect(viaGateway.status).toBe(200);
    expect(viaGateway.remaining).toBe(String(RPM - 3));
    expect(after.headers["x-ratelimit-remaining-requests"]).toBe(String(RPM - 4));
    return;
  }
}

/** While Redis is away: answered in bounded time, never a 5xx, and this instance admits half of a small limit (two instances alive). */
async function expectBoundedWhileAway(door: Door) {
  const key = await limited();
  for (let i = 0; i < 5; i++) {
    const a = await send(door, key.key);
    expect(a.status).toBe(200);
    expect(a.ms).toBeLessThan(BOUND_MS);
  }
  const small = await limited(4);
  const statuses = [];
  for (let i = 0; i < 4; i++) {
    const a = await send(door, small.key);
    expect(a.ms).toBeLessThan(BOUND_MS);
    statuses.push(a.status);
  }
  // Its share of the 4 for the instances it last saw alive (two, unless a heartbeat was missed).
  const n = policyRuntime().limiter.status().instances ?? 1;
  const share = Math.floor(4 / n);
  expect(n).toBeGreaterThanOrEqual(1);
  expect(statuses).toEqual([...Array<number>(share).fill(200), ...Array<number>(4 - share).fill(429)]);
}

describe.each<Door>(["node", "web"])("rate limits on Redis that goes away (%s door)", (door) => {
  it("counts are shared with another instance before, bounded while stopped, shared again once it is back", async () => {
    await expectShared(door);
    await redis.stop();
    await expectBoundedWhileAway(door);
    await redis.start();
    await bothHealthy();
    await expectShared(door);
  });

  it("a paused Redis (connections open, nothing answers): bounded answers, then shared again", async () => {
    await expectShared(door);
    redis.pause();
    try {
      await expectBoundedWhileAway(door);
    } finally {
      redis.resume();
    }
    await bothHealthy();
    await expectShared(door);
  });
});
