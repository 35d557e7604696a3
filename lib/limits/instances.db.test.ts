import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockProvider, type MockProvider } from "@/testing/mock-provider";
import { startRedisServer, type RedisServer } from "@/testing/redis-server";
import { PROVIDER_KEYS } from "@/testing/sdk-clients";

// Two gateway instances, each its own process, sharing one real Postgres and one real Redis
// (a private redis-server, so it can be stopped and started mid-test). The verification cache
// lives for a minute here, so only the Redis broadcast can explain a revocation seen in time.
// Postgres only: PGlite is one process's database.

const instanceScript = fileURLToPath(new URL("../../testing/gateway-instance.ts", import.meta.url));

interface Instance {
  origin: string;
  child: ChildProcess;
  logs: string[];
}

function startInstance(env: Record<string, string>): Promise<Instance> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", instanceScript], {
      env: { ...process.env, ...env, NODE_ENV: "test" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const logs: string[] = [];
    const timer = setTimeout(() => reject(new Error(`instance did not start:\n${logs.join("")}`)), 30_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      logs.push(text);
      const m = /READY (\S+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve({ origin: m[1], child, logs });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (c: Buffer) => logs.push(c.toString()));
    child.once("exit", (code) => reject(new Error(`instance exited with ${code}:\n${logs.join("")}`)));
  });
}

const stop = (i: Instance) =>
  new Promise<void>((r) => {
    if (i.child.exitCode !== null) return r();
    i.child.once("exit", () => r());
    i.child.kill("SIGTERM");
  });

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not within ${timeoutMs} ms`);
}

describe.skipIf(!process.env.DATABASE_URL)("two gateway instances sharing Postgres and Redis", () => {
  let redis: RedisServer;
  let mock: MockProvider;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    [redis, mock] = await Promise.all([startRedisServer(), startMockProvider()]);
    const env = {
      REDIS_URL: redis.url,
      PROVIDER_OPENAI_BASE_URL: mock.baseUrls.openai,
      KEY_CACHE_TTL_MS: "60000",
      BCRYPT_COST: "4",
    };
    [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a && stop(a), b && stop(b)]);
    await Promise.all([redis?.stop(), mock?.close()]);
  });

  async function createKey(on: Instance, body: Record<string, unknown>) {
    const res = await fetch(`${on.origin}/api/keys`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "shared", ...body }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; key: string };
  }

  const chat = (on: Instance, key: string) =>
    fetch(`${on.origin}/v1/openai/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "x-provider-api-key": PROVIDER_KEYS.openai, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5-mini", messages: [{ role: "user", content: "hi" }] }),
    }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });

  it("a burst split across both instances lets exactly the limit through", async () => {
    const { key } = await createKey(a, { limits: { requests_per_minute: 6 } });
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => chat(i % 2 ? a : b, key)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(14);
  });

  it("a revocation on one instance is refused on the other within a second", async () => {
    const { id, key } = await createKey(a, {});
    expect(await chat(b, key)).toBe(200); // B has verified and cached the key
    expect((await fetch(`${a.origin}/api/keys/${id}`, { method: "DELETE" })).status).toBe(200);
    const took = await waitUntil(async () => (await chat(b, key)) === 401, 1_000);
    expect(took).toBeLessThan(1_000);
  });

  it("a key disabled on one instance is refused on the other within a second, saying so, and enabling it reaches both", async () => {
    const { id, key } = await createKey(a, {});
    expect(await chat(b, key)).toBe(200); // B has verified and cached the key
    expect((await fetch(`${a.origin}/api/keys/${id}/disable`, { method: "POST" })).status).toBe(200);
    expect(await chat(a, key)).toBe(401); // A at once
    expect(await waitUntil(async () => (await chat(b, key)) === 401, 1_000)).toBeLessThan(1_000);
    const refused = await fetch(`${b.origin}/v1/openai/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "x-provider-api-key": PROVIDER_KEYS.openai, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      "This NeuronEdge API key is disabled. Its owner can enable it again.",
    );
    expect((await fetch(`${a.origin}/api/keys/${id}/enable`, { method: "POST" })).status).toBe(200);
    expect(await chat(a, key)).toBe(200);
    expect(await waitUntil(async () => (await chat(b, key)) === 200, 1_000)).toBeLessThan(1_000);
  });

  it("a rolled key works on both instances through its grace period, then on neither", async () => {
    const old = await createKey(a, {});
    expect(await chat(b, old.key)).toBe(200); // cached on B for a minute
    const rolled = await fetch(`${a.origin}/api/keys/${old.id}/roll`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grace_seconds: 2 }),
    });
    expect(rolled.status).toBe(201);
    const fresh = (await rolled.json()) as { key: string };
    expect([await chat(a, old.key), await chat(b, old.key)]).toEqual([200, 200]);
    expect([await chat(a, fresh.key), await chat(b, fresh.key)]).toEqual([200, 200]);
    await new Promise((r) => setTimeout(r, 2_100));
    expect([await chat(a, old.key), await chat(b, old.key)]).toEqual([401, 401]);
    expect([await chat(a, fresh.key), await chat(b, fresh.key)]).toEqual([200, 200]);
  });

  it("keeps serving when Redis goes away (each instance its share, said in /api/health) and shares again when it returns", async () => {
    const { key } = await createKey(a, { limits: { requests_per_minute: 1000 } });
    await redis.stop();
    expect(await chat(a, key)).toBe(200);
    expect(await chat(b, key)).toBe(200);
    const health = await fetch(`${a.origin}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "degraded", redis: "unavailable", rate_limits: "per-instance share" });
    expect(a.logs.join("")).toContain("each instance admits its share of every limit (1/2 of what is left)");

    await redis.start();
    await waitUntil(async () => {
      await chat(a, key);
      const h = (await (await fetch(`${a.origin}/api/health`)).json()) as { redis: string };
      return h.redis === "ok";
    }, 10_000);
    const limited = await createKey(a, { limits: { requests_per_minute: 4 } });
    await waitUntil(async () => {
      const h = (await (await fetch(`${b.origin}/api/health`)).json()) as { redis: string };
      return h.redis === "ok";
    }, 10_000);
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => chat(i % 2 ? a : b, limited.key)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
  });
});
