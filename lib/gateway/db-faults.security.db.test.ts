import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeDb } from "@/db/client";
import { resetEnv } from "@/lib/env";
import { resetFailureLog } from "@/lib/errors";
import { createKey } from "@/lib/keys/service";
import { clearVerifierCache } from "@/lib/keys/verifier";
import { closePolicyRuntime } from "@/lib/limits/runtime";
import { flushUsage, usageRecorderStats } from "@/lib/usage/recorder";
import { useDatabase } from "@/testing/db";
import { startGateway, type Door, type Gateway } from "@/testing/gateway-harness";
import { PROVIDER_KEYS } from "@/testing/sdk-clients";
import { findSecrets } from "@/testing/secret-scan";
import { startRelayedDatabase, type RelayedDatabase } from "@/testing/tcp-relay";

// Issue 16 item 7 and 10, the fault test: the gateway on real Postgres through a TCP relay that
// stalls (accepts, forwards nothing) and refuses. Every answer comes within the configured bounds,
// as a 503 with Retry-After in the caller's shape; keys already verified keep being served; once
// the database is back no key stays refused, and the usage events equal the requests served.
// A failed query logs its class and SQLSTATE, never its SQL or parameters.

const CONNECT_MS = 500;
const QUERY_MS = 1_000;
/** The longest any answer may take while the database is away: the configured waits, with room to spare. */
const BOUND_MS = CONNECT_MS + 2 * QUERY_MS + 2_000;

let db: RelayedDatabase;
let direct: pg.Pool;
const ENV = [
  "DATABASE_URL",
  "DATABASE_DRIVER",
  "DATABASE_CONNECT_TIMEOUT_MS",
  "DATABASE_QUERY_TIMEOUT_MS",
  "KEY_CACHE_TTL_MS",
  "REDIS_URL",
];
const saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));
beforeAll(async () => {
  db = await startRelayedDatabase(process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres");
  direct = new pg.Pool({ connectionString: db.directUrl, max: 2 });
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    DATABASE_DRIVER: "pg",
    DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_MS),
    DATABASE_QUERY_TIMEOUT_MS: String(QUERY_MS),
    KEY_CACHE_TTL_MS: "200", // verified keys are re-read (and fail to be) during every outage below
  });
  delete process.env.REDIS_URL; // rate limits have their own fault test (lib/limits/redis-faults)
  await closePolicyRuntime();
  await closeDb();
  resetEnv();
});
afterAll(async () => {
  // Registered before useDatabase's, so it runs after the database scan and closeDb (a stack).
  await direct?.end();
  await db?.drop();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnv();
});
useDatabase(); // migrates the fresh database, through the relay
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw?.close());
afterEach(() => db.relay.resume());

type Format = "openai" | "anthropic" | "gemini";
const CALLS: Record<Format, { path: string; providerKey: string; body: unknown }> = {
  openai: {
    path: "/v1/openai/chat/completions",
    providerKey: PROVIDER_KEYS.openai,
    body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] },
  },
  anthropic: {
    path: "/v1/anthropic/v1/messages",
    providerKey: PROVIDER_KEYS.anthropic,
    body: { model: "claude-3-5-haiku-latest", max_tokens: 16, messages: [{ role: "user", content: "hello" }] },
  },
  gemini: {
    path: "/v1/google/v1beta/models/gemini-2.5-flash:generateContent",
    providerKey: PROVIDER_KEYS.google,
    body: { contents: [{ role: "user", parts: [{ text: "hello" }] }] },
  },
};
const FORMATS = Object.keys(CALLS) as Format[];
const DOORS: Door[] = ["node", "web"];

interface Answer {
  status: number;
  retryAfter: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  // biome-ignore lint/suspicious/noExplicitAny: answers in three providers' shapes, read loosely by the checks
  json: any;
  ms: number;
}

async function timed(url: string, init: RequestInit): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(3 * BOUND_MS) });
  const text = await res.text();
  const json = text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text;
  return { status: res.status, retryAfter: res.headers.get("retry-after"), json, ms: performance.now() - started };
}

/** Requests served per key, as the caller saw them: what the usage events must add up to. */
const served = new Map<string, number>();

async function proxy(door: Door, format: Format, key: { id: string; key: string }): Promise<Answer> {
  const c = CALLS[format];
  const answer = await timed(gw.urls[door] + c.path, {
    method: "POST",
    headers: { authorization: `Bearer ${key.key}`, "x-provider-api-key": c.providerKey, "content-type": "application/json" },
    body: JSON.stringify(c.body),
  });
  if (answer.status === 200) served.set(key.id, (served.get(key.id) ?? 0) + 1);
  return answer;
}

const api = (key: string, method = "GET", body?: unknown) =>
  timed(`${gw.urls.node}/api/keys`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** 503 in the provider's own error shape, with Retry-After, within the bound. */
function expectUnavailable(format: Format, a: Answer): void {
  expect(a.ms).toBeLessThan(BOUND_MS);
  expect(a.status).toBe(503);
  expect(a.retryAfter).toMatch(/^\d+$/);
  if (format === "openai")
    expect(a.json).toEqual({ error: { message: expect.any(String), type: "api_error", param: null, code: "unavailable" } });
  if (format === "anthropic") expect(a.json).toEqual({ type: "error", error: { type: "api_error", message: expect.any(String) } });
  if (format === "gemini") expect(a.json).toEqual({ error: { code: 503, message: expect.any(String), status: "UNAVAILABLE" } });
}

/** 503 in the management API's shape. */
function expectApiUnavailable(a: Answer): void {
  expect(a.ms).toBeLessThan(BOUND_MS);
  expect(a.status).toBe(503);
  expect(a.retryAfter).toMatch(/^\d+$/);
  expect(a.json).toEqual({ error: { message: expect.any(String), type: "api_error", code: "unavailable" } });
}

/**
 * Verified keys (each has served a request): one plain, one with a monthly budget (its spend is a
 * snapshot the gateway re-reads); and one cold key per door and format that the verifier has never
 * seen, so that its first request needs the database.
 */
async function keys() {
  const warm = await gw.liveKey(["proxy", "keys:read", "keys:write"]);
  const budgeted = await createKey(warm.caller, { name: "budget", environment: "live", limits: { monthly_budget_usd: 100 } });
  const cold = await Promise.all(
    DOORS.flatMap((door) => FORMATS.map(async (format) => ({ door, format, ...(await gw.liveKey(["proxy"])) }))),
  );
  clearVerifierCache(); // keys just created are remembered as verified: forget them all
  for (const k of [warm, budgeted]) expect((await proxy("node", "openai", k)).status).toBe(200);
  return { warm, verified: [warm, budgeted], cold };
}
type Keys = Awaited<ReturnType<typeof keys>>;
const idsOf = (k: Keys) => [...k.verified, ...k.cold].map((key) => key.id);

async function usageEventsOf(ids: string[]): Promise<Map<string, number>> {
  await vi.waitFor(
    async () => {
      await flushUsage();
      expect(usageRecorderStats().buffered).toBe(0);
    },
    { timeout: 10_000, interval: 200 },
  );
  const { rows } = await direct.query<{ key_id: string; n: string }>(
    "select key_id, count(*) as n from usage_events where key_id = any($1) group by key_id",
    [ids],
  );
  return new Map(rows.map((r) => [r.key_id, Number(r.n)]));
}

/** Four requests of a verified key, each after its cache entry (and budget snapshot) wants a re-read. */
async function fourSpaced(key: { id: string; key: string }): Promise<Answer[]> {
  const out: Answer[] = [];
  for (let i = 0; i < 4; i++) {
    out.push(await proxy(DOORS[i % 2], FORMATS[i % 3], key));
    await new Promise((r) => setTimeout(r, 250)); // past KEY_CACHE_TTL_MS
  }
  return out;
}

async function whileOutage(k: Keys) {
  // The cold keys, the management API and the verified keys, all at once: each is bounded alone.
  const [coldAnswers, listed, verifiedAnswers] = await Promise.all([
    Promise.all(k.cold.map((c) => proxy(c.door, c.format, c))),
    api(k.warm.key),
    Promise.all(k.verified.map(fourSpaced)),
  ]);
  for (const [i, c] of k.cold.entries()) expectUnavailable(c.format, coldAnswers[i]);
  expectApiUnavailable(listed);
  for (const a of verifiedAnswers.flat()) {
    expect(a.status).toBe(200);
    expect(a.ms).toBeLessThan(BOUND_MS);
  }
}

/** After the database returns: every key that was refused is served, at its first request. */
async function afterRecovery(k: Keys) {
  for (const c of k.cold) expect((await proxy(c.door, c.format, c)).status, `${c.door} ${c.format}`).toBe(200);
  expect((await api(k.warm.key)).status).toBe(200);
  const events = await usageEventsOf(idsOf(k));
  for (const id of idsOf(k)) expect(events.get(id) ?? 0, id).toBe(served.get(id));
}

describe("Postgres stalled (connections accepted, nothing forwarded)", () => {
  it("cold keys and GET /api/keys: 503 in the caller's shape in bounded time; verified keys served; afterwards nothing stuck, usage complete", async () => {
    const k = await keys();
    // Idle pooled connections stay open through the stall: a query sent on one gets no answer at all.
    expect(db.relay.connections()).toBeGreaterThan(0);
    db.relay.stall();
    await whileOutage(k);
    // The verified keys' usage waited in memory: a write tried now fails within the bound, and keeps it.
    const attempt = performance.now();
    await flushUsage();
    expect(performance.now() - attempt).toBeLessThan(2 * BOUND_MS);
    expect(usageRecorderStats().buffered).toBeGreaterThanOrEqual(8);
    await db.relay.resume();
    await afterRecovery(k);
  });
});

describe("Postgres refusing connections", () => {
  it("cold keys, GET and POST /api/keys: 503, not 500; verified keys served; afterwards nothing stuck, usage complete", async () => {
    const k = await keys();
    await db.relay.refuse();
    await whileOutage(k);
    expectApiUnavailable(await api(k.warm.key, "POST", { name: "made while refused", environment: "live" }));
    await db.relay.resume();
    await afterRecovery(k);
    expect((await api(k.warm.key, "POST", { name: "made after", environment: "live" })).status).toBe(201);
  });
});

describe("a failed query logs its class and SQLSTATE, never its SQL or parameters (item 10)", () => {
  let lines: string[];
  beforeEach(() => {
    resetFailureLog();
    lines = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await direct.query("drop trigger if exists fault on api_keys; drop function if exists fault()");
  });

  /** Makes every insert into api_keys fail on the server, as `body` says. */
  const failInserts = (body: string) =>
    direct.query(`create function fault() returns trigger language plpgsql as $$ begin ${body} end $$;
      create trigger fault before insert on api_keys for each row execute function fault()`);

  function expectClean(text: string) {
    expect(findSecrets(text, "log")).toEqual([]); // no key, no bcrypt hash (the insert's own parameter)
    for (const leak of ["insert into", "api_keys", "params", "$2", "Key (", "already exists"]) expect(text).not.toContain(leak);
  }

  it("a unique violation on POST /api/keys (its params hold the new key's bcrypt hash): 500, logged as class and 23505", async () => {
    const { warm } = await keys();
    // A real one: the row is given the id of a key that exists.
    await failInserts("new.id := (select id from api_keys order by created_at limit 1); return new;");
    const a = await api(warm.key, "POST", { name: "collides", environment: "live" });
    expect(a.status).toBe(500);
    expect(a.json).toEqual({ error: { message: "An internal error occurred. Please try again.", type: "api_error", code: "internal" } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("DrizzleQueryError <- DatabaseError [23505]: database error: integrity constraint violation (23505)");
    expectClean(lines[0]);
  });

  it("a statement timeout on POST /api/keys: 503 with Retry-After, logged as class and 57014", async () => {
    const { warm } = await keys();
    await failInserts(`perform pg_sleep(${(3 * QUERY_MS) / 1000}); return new;`);
    expectApiUnavailable(await api(warm.key, "POST", { name: "slow", environment: "live" }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("DatabaseError [57014]: database unavailable: statement timeout (57014)");
    expectClean(lines[0]);
  });
});
