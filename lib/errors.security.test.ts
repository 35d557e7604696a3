import { createServer, type AddressInfo } from "node:net";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { drizzle } from "drizzle-orm/node-postgres";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { providerErrorJson } from "@/lib/gateway/errors";
import { generateKey } from "@/lib/keys/format";
import { hashKey } from "@/lib/keys/hash";
import { AppError, errorResponse, resetFailureLog, toAppError } from "./errors";

// Replays of what a failed query could leak, and of the database going away: the log carries an
// error's class, code and a fixed description, never a query's SQL, parameters or message; the
// caller gets 503 with Retry-After in the shape it expects.

let logged: string[] = [];
beforeEach(() => {
  resetFailureLog();
  logged = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
});
afterEach(() => vi.restoreAllMocks());

const INSERT = 'insert into "api_keys" ("id", "owner_id", "name", "key_hash") values ($1, $2, $3, $4)';

async function secrets() {
  const generated = generateKey("live");
  return { key: generated.key, hash: await hashKey(generated.key), id: generated.id };
}

/** A Postgres error as pg raises it. */
function pgError(code: string, message = "duplicate key value violates unique constraint"): pg.DatabaseError {
  const e = new pg.DatabaseError(message, 0, "error");
  e.code = code;
  e.severity = "ERROR";
  return e;
}

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A port on loopback where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function expectClean(text: string, s: { key: string; hash: string }) {
  expect(text).not.toContain(s.key);
  expect(text).not.toContain(s.hash);
  expect(text).not.toContain(s.hash.slice(7)); // the hash's salt and digest without its $2b$04$ head
  expect(text).not.toContain("insert into");
  expect(text).not.toContain("Failed query");
  expect(text).not.toContain("params");
}

describe("a failed query never leaks its SQL or parameters", () => {
  it("errorResponse: an insert refused with a bcrypt hash and a key in its params logs neither", async () => {
    const s = await secrets();
    const err = new DrizzleQueryError(INSERT, [s.id, "owner", s.key, s.hash], pgError("23505"));
    const res = errorResponse(err);
    expect(res.status).toBe(500);
    expectClean(await res.text(), s);
    expect(logged).toHaveLength(1);
    expectClean(logged[0], s);
    expect(logged[0]).toContain("DrizzleQueryError <- DatabaseError [23505]: database error: integrity constraint violation (23505)");
    expect(logged[0]).not.toContain("duplicate key"); // the driver's message is not ours to print either
  });

  it("providerErrorJson, in every wire format: logs neither, answers without them", async () => {
    const s = await secrets();
    for (const format of ["openai", "anthropic", "gemini"] as const) {
      const err = new DrizzleQueryError(INSERT, [s.id, "owner", s.key, s.hash], pgError("XX000", `bad ${s.hash}`));
      const res = providerErrorJson(format, err);
      expect(res.status).toBe(500);
      expectClean(res.body, s);
    }
    expect(logged).toHaveLength(3);
    for (const line of logged) expectClean(line, s);
  });

  it("a query error that is itself the cause of another (wrapped twice) still logs no message", async () => {
    const s = await secrets();
    const inner = new DrizzleQueryError(INSERT, [s.key, s.hash], pgError("23505", `Key (key_hash)=(${s.hash}) exists`));
    const outer = new Error(`could not create key: ${inner.message}`, { cause: inner });
    errorResponse(outer);
    expect(logged).toHaveLength(1);
    expectClean(logged[0], s);
    expect(logged[0]).toMatch(/^\[neuronedge\] unhandled error: Error <- DrizzleQueryError <- DatabaseError \[23505\]/);
  });

  it("an unknown error's message (a JSON parse error quoting a key) is not logged; its stack frames are", () => {
    const { key } = generateKey("live");
    let err: unknown;
    try {
      JSON.parse(`{"k": ${key}}`);
    } catch (e) {
      err = e;
    }
    errorResponse(err);
    expect(logged).toHaveLength(1);
    expect(logged[0]).not.toContain(key);
    expect(logged[0]).toContain("SyntaxError: unexpected error");
    expect(logged[0]).toMatch(/\n\s+at /);
  });
});

describe("the database away or too slow: 503 with Retry-After, not 500", () => {
  const outages: [string, () => Error][] = [
    ["connection refused", () => withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")],
    ["connection reset", () => withCode("read ECONNRESET", "ECONNRESET")],
    [
      "both address families refused",
      () => Object.assign(new AggregateError([withCode("x", "ECONNREFUSED")], ""), { code: "ECONNREFUSED" }),
    ],
    ["connection terminated", () => new Error("Connection terminated unexpectedly")],
    ["connect timeout", () => new Error("Connection terminated due to connection timeout", { cause: new Error("timeout expired") })],
    ["query read timeout (a stalled connection)", () => new Error("Query read timeout")],
    ["no free client in the pool in time", () => new Error("timeout exceeded when trying to connect")],
    ["SQLSTATE 08006 connection failure", () => pgError("08006", "connection failure")],
    ["57P01 admin shutdown", () => pgError("57P01", "terminating connection due to administrator command")],
    ["57P02 crash shutdown", () => pgError("57P02")],
    ["57P03 cannot connect now", () => pgError("57P03", "the database system is starting up")],
    ["57014 statement timeout", () => pgError("57014", "canceling statement due to statement timeout")],
    ["53300 too many connections", () => pgError("53300", "sorry, too many clients already")],
  ];

  it.each(outages)("%s, wrapped by drizzle with the key and its hash as params", async (_name, cause) => {
    const s = await secrets();
    const err = new DrizzleQueryError(INSERT, [s.key, s.hash], cause());
    expect(toAppError(err)).toMatchObject({ code: "unavailable", status: 503, headers: { "Retry-After": "2" } });

    const res = errorResponse(err);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(await res.json()).toEqual({
      error: { message: "The database is unavailable. Please retry shortly.", type: "api_error", code: "unavailable" },
    });

    const bodies = Object.fromEntries(
      (["openai", "anthropic", "gemini"] as const).map((f) => {
        const r = providerErrorJson(f, err);
        expect(r.status).toBe(503);
        expect(r.headers["Retry-After"]).toBe("2");
        expectClean(r.body, s);
        return [f, JSON.parse(r.body)];
      }),
    );
    expect(bodies.openai).toEqual({ error: { message: expect.any(String), type: "api_error", param: null, code: "unavailable" } });
    expect(bodies.anthropic).toEqual({ type: "error", error: { type: "api_error", message: expect.any(String) } });
    expect(bodies.gemini).toEqual({ error: { code: 503, message: expect.any(String), status: "UNAVAILABLE" } });
    for (const line of logged) {
      expectClean(line, s);
      expect(line).toContain("database unavailable");
    }
  });

  it("a real query against a port where nothing listens: 503, and the log holds neither key nor hash", async () => {
    const s = await secrets();
    const pool = new pg.Pool({ host: "127.0.0.1", port: await closedPort(), user: "x", database: "x", connectionTimeoutMillis: 1_000 });
    try {
      const err = await drizzle(pool)
        .execute(sql`insert into api_keys (id, key_hash) values (${s.key}, ${s.hash})`)
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(DrizzleQueryError);
      expect(String((err as Error).message)).toContain(s.hash); // what drizzle would have printed
      const res = providerErrorJson("openai", err);
      expect(res.status).toBe(503);
      expect(logged).toHaveLength(1);
      expectClean(logged[0], s);
      expect(logged[0]).toContain("database unavailable: connection refused (ECONNREFUSED)");
    } finally {
      await pool.end();
    }
  });

  it("another service refusing connections is not the database: still 500", () => {
    const fetchFailed = new TypeError("fetch failed", { cause: withCode("connect ECONNREFUSED 10.0.0.1:443", "ECONNREFUSED") });
    expect(toAppError(fetchFailed).code).toBe("internal");
  });

  it("logs an outage once per interval, with how many it left out, not once per request", () => {
    const err = new DrizzleQueryError("select 1", [], withCode("x", "ECONNREFUSED"));
    for (let i = 0; i < 50; i++) errorResponse(err);
    expect(logged).toHaveLength(1);
    vi.spyOn(Date, "now").mockReturnValue(Date.now() + 60_000);
    errorResponse(err);
    expect(logged).toHaveLength(2);
    expect(logged[1]).toContain("(49 more since the last report)");
  });
});

describe("408 request_timeout (a body that stopped arriving)", () => {
  it("answers in the API's shape and in each provider's, Gemini's as DEADLINE_EXCEEDED", async () => {
    const message = "The request body stopped arriving.";
    const e = new AppError("request_timeout", message);
    const res = errorResponse(e);
    expect(res.status).toBe(408);
    expect(await res.json()).toEqual({ error: { message, type: "invalid_request_error", code: "request_timeout" } });
    const body = (f: "openai" | "anthropic" | "gemini") => {
      const r = providerErrorJson(f, e);
      expect(r.status).toBe(408);
      return JSON.parse(r.body);
    };
    expect(body("openai")).toEqual({ error: { message, type: "invalid_request_error", param: null, code: "request_timeout" } });
    expect(body("anthropic")).toEqual({ type: "error", error: { type: "invalid_request_error", message } });
    expect(body("gemini")).toEqual({ error: { code: 408, message, status: "DEADLINE_EXCEEDED" } });
    expect(logged).toEqual([]); // the client's doing, not a failure of ours
  });
});
