import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawConnect, startGateway, type Door, type Gateway, type RawResponse } from "@/testing/gateway-harness";
import { useDatabase } from "@/testing/db";
import { deepJson, nearKey, randomBody, randomJson, randomString, redactSecrets, Rng } from "@/testing/fuzz";
import { PROVIDER_KEYS } from "@/testing/sdk-clients";

// Issue 16, "how it is shown": a bounded fuzz of the proxy's headers and bodies through a real
// gateway (both doors, the mock provider behind them): Authorization variants, provider keys,
// content types, odd header bytes, bodies of every shape. Nothing may answer 5xx but the upstream
// states (502, 503, 504), nothing may go unanswered, and the process keeps serving. Fixed seed:
// a failure names a case that replays. The management API's bodies are in lib/fuzz.security.db.test.ts.

useDatabase();

const SEED = 0x16_0001;
/** What only the provider's state explains: unreachable (502), away or full (503), too slow (504). */
const UPSTREAM_STATES = [502, 503, 504];

let gw: Gateway;
let live: string;
let test: string;

beforeAll(async () => {
  gw = await startGateway();
  live = (await gw.liveKey()).key;
  test = (await gw.testKey()).key;
});
afterAll(() => gw?.close());

/** One request on its own connection, written byte for byte: header values may hold any byte. */
async function send(door: Door, method: string, path: string, headers: [string, string][], body: string): Promise<RawResponse> {
  const payload = Buffer.from(body, "utf8");
  const head = [`${method} ${path} HTTP/1.1`, "Host: 127.0.0.1", "Connection: close", ...headers.map(([k, v]) => `${k}: ${v}`)];
  if (!headers.some(([k]) => /^(content-length|transfer-encoding)$/i.test(k))) head.push(`Content-Length: ${payload.length}`);
  const conn = await rawConnect(gw.urls[door]);
  try {
    conn.write(Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`, "latin1"), payload]));
    return await conn.response();
  } finally {
    conn.end();
  }
}

const PATHS = [
  "/v1/openai/chat/completions",
  "/v1/openai/embeddings",
  "/v1/openai/responses",
  "/v1/openai/models",
  "/v1/anthropic/v1/messages",
  "/v1/google/v1beta/models/gemini-2.5-flash:generateContent",
  "/v1/google/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
  "/v1/nosuchai/chat/completions",
  "/v1/openai/%ff",
  "/v1/openai/..%2f..%2fadmin",
  "/v1/openai/chat/completions?%zz=%",
  "/v1/",
  "/v1",
];
const MODELS = ["gpt-5-mini", "text-embedding-3-small", "claude-sonnet-4-5", "gemini-2.5-flash", "", "x".repeat(300)];

function authorization(rng: Rng): [string, string][] {
  const key = rng.pick([live, test]);
  switch (rng.int(10)) {
    case 0:
    case 1:
      return [["Authorization", `Bearer ${key}`]];
    case 2:
      return [["Authorization", `Bearer ${nearKey(rng, key)}`]];
    case 3:
      return [
        [
          "Authorization",
          rng.pick([
            "Bearer",
            "Bearer ",
            `bearer ${key}`,
            `Bearer  ${key}`,
            `Basic ${Buffer.from(`x:${key}`).toString("base64")}`,
            `Token ${key}`,
          ]),
        ],
      ];
    case 4:
      return [["Authorization", `Bearer ${PROVIDER_KEYS.openai}`]];
    case 5:
      return [["x-api-key", rng.chance(0.7) ? key : nearKey(rng, key)]];
    case 6:
      return [["x-goog-api-key", rng.chance(0.7) ? key : nearKey(rng, key)]];
    case 7:
      return [
        ["Authorization", `Bearer ${key}`],
        ["Authorization", `Bearer ${nearKey(rng, key)}`],
      ];
    case 8:
      return [["Authorization", `Bearer ${"A".repeat(rng.int(9000))}`]];
    default:
      return [];
  }
}

/** Header values of any byte Node's parser lets through (and some it refuses, which is a 400). */
function oddValue(rng: Rng): string {
  if (rng.chance(0.1)) return rng.pick(["\u0000", "a\rb", "\u0007"]); // refused by the parser itself
  return Array.from({ length: rng.int(40) }, () => String.fromCharCode(rng.chance(0.3) ? 0x80 + rng.int(0x80) : 0x20 + rng.int(0x5f))).join(
    "",
  );
}

function headers(rng: Rng): [string, string][] {
  const out = authorization(rng);
  if (rng.chance(0.6))
    out.push([
      "X-Provider-API-Key",
      rng.pick([PROVIDER_KEYS.openai, PROVIDER_KEYS.anthropic, "", `sk-${"x".repeat(rng.int(5000))}`, oddValue(rng)]),
    ]);
  if (rng.chance(0.8)) {
    out.push([
      "Content-Type",
      rng.pick([
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/json; charset=latin1",
        oddValue(rng),
      ]),
    ]);
  }
  if (rng.chance(0.2)) out.push(["anthropic-version", rng.pick(["2023-06-01", "", oddValue(rng)])]);
  if (rng.chance(0.15)) out.push(["Connection", rng.pick(["keep-alive, X-Secret", "close, close", oddValue(rng)])], ["X-Secret", "hidden"]);
  if (rng.chance(0.1)) out.push(["Expect", "100-continue"]);
  if (rng.chance(0.1)) out.push(["X-Forwarded-For", rng.pick(["1.2.3.4", "::1, 10.0.0.1", oddValue(rng), "999.999.999.999"])]);
  if (rng.chance(0.1)) out.push(["Accept-Encoding", rng.pick(["gzip, br", "*", "identity;q=0", oddValue(rng)])]);
  for (let n = rng.chance(0.3) ? rng.int(4) : 0; n > 0; n--) out.push([`X-Fuzz-${rng.int(1000)}`, oddValue(rng)]);
  return out;
}

/** An LLM request body: right in outer shape with fields wrong in type or size, or junk. */
function body(rng: Rng): string {
  if (rng.chance(0.05)) return deepJson(10_000 + rng.int(5000), "array");
  if (rng.chance(0.03)) return `{"model":"gpt-5-mini","stream":true,"messages":${deepJson(10_000)}}`;
  return randomBody(rng, () => {
    const f: Record<string, unknown> = { model: rng.chance(0.8) ? rng.pick(MODELS) : randomJson(rng, 1) };
    if (rng.chance(0.7))
      f.messages = rng.chance(0.7) ? [{ role: rng.pick(["user", "system", "tool", "x"]), content: randomString(rng) }] : randomJson(rng, 2);
    if (rng.chance(0.3)) f.stream = rng.pick<unknown>([true, false, "true", 1, null]);
    if (rng.chance(0.3)) f.max_tokens = rng.pick<unknown>([1, 16, 0, -1, 1e9, 2 ** 53 + 2, "10", null]);
    if (rng.chance(0.2)) f.n = rng.pick<unknown>([1, 2, 0, 1e6, -1]);
    if (rng.chance(0.2)) f.input = rng.pick<unknown>(["hi", ["a", "b"], Array(3000).fill("a"), [], 5]);
    if (rng.chance(0.2)) f.contents = rng.chance(0.5) ? [{ parts: [{ text: randomString(rng) }] }] : randomJson(rng, 2);
    if (rng.chance(0.1)) f.stream_options = randomJson(rng, 1);
    return f;
  });
}

/** The management API's refusal: {"error":{"message":…,"type":…}}. */
const DOCUMENTED = /^\{"error":\{"message":".*","type":"/;

describe("fuzz: the proxy's headers and bodies, through both doors", () => {
  it("answers every one of a thousand requests, never with a 5xx but an upstream state, and keeps serving", async () => {
    const rng = new Rng(SEED);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const door: Door = i % 2 === 0 ? "node" : "web";
      const method = rng.chance(0.85) ? "POST" : rng.pick(["GET", "PUT", "DELETE", "PATCH"]);
      const path = rng.chance(0.9)
        ? rng.pick(PATHS)
        : `/v1/openai/${encodeURIComponent(randomString(rng, 2).replace(/[\ud800-\udfff]/g, ""))}`;
      const hs = headers(rng);
      const text = method === "GET" && rng.chance(0.7) ? "" : body(rng);
      const what = () =>
        `case ${i} (${door}): ${method} ${path} ${JSON.stringify(hs).slice(0, 300)} body ${JSON.stringify(text.slice(0, 200))}`;
      try {
        const res = await send(door, method, path, hs, text);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500 && !UPSTREAM_STATES.includes(res.status))
          failures.push(`${what()} answered ${res.status}: ${res.body.slice(0, 200)}`);
      } catch (err) {
        failures.push(`${what()} got no answer: ${(err as Error).message.slice(0, 200)}`);
      }
      if (failures.length >= 20) break;
    }
    expect(failures.map(redactSecrets)).toEqual([]);
    // The cases reached every part: refusals, the provider, the simulator.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 401]));

    // Still serving, through both doors, for both kinds of key.
    for (const door of ["node", "web"] as const) {
      for (const key of [live, test]) {
        const res = await send(
          door,
          "POST",
          "/v1/openai/chat/completions",
          [
            ["Authorization", `Bearer ${key}`],
            ["X-Provider-API-Key", PROVIDER_KEYS.openai],
            ["Content-Type", "application/json"],
          ],
          JSON.stringify({ model: "gpt-5-mini", messages: [{ role: "user", content: "still there?" }] }),
        );
        expect(res.status, `${door} ${key.slice(0, 8)}`).toBe(200);
      }
    }
  });

  it("answers /api paths of any encoding through the node door in the API's JSON shape, never a 5xx", async () => {
    const rng = new Rng(SEED + 1);
    const failures: string[] = [];
    for (let i = 0; i < 300; i++) {
      const raw = randomString(rng, 3).replace(/[\s#?\ud800-\udfff]/g, "");
      const seg = rng.chance(0.5) ? raw.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c)) : encodeURIComponent(raw);
      const path = rng.pick([`/api/keys/${seg}`, `/api/keys/${seg}/roll`, `/api/usage?key_id=${seg}`, `/api/${seg}`]);
      const method = rng.pick(["GET", "PATCH", "POST", "DELETE"]);
      // Half as a key would call (one that may only proxy, or one with something wrong), half as the local owner.
      const hs: [string, string][] = [["Content-Type", "application/json"], ...(rng.chance(0.5) ? authorization(rng) : [])];
      const res = await send("node", method, path, hs, method === "GET" || method === "DELETE" ? "" : '{"name":"x"}').catch(
        (e: Error) => e,
      );
      if (res instanceof Error) failures.push(`case ${i}: ${method} ${path} got no answer: ${res.message.slice(0, 200)}`);
      else if (res.status >= 500) failures.push(`case ${i}: ${method} ${path} answered ${res.status}: ${res.body.slice(0, 200)}`);
      // Node's parser answers a header it cannot read (a raw CR, LF or NUL; a character beyond a byte) with a bare 400.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the bytes node:http refuses in a header value
      else if (res.status === 400 && res.body === "" && hs.some(([, v]) => /[\0\r\n]|[^\x00-\xff]/.test(v))) continue;
      // The harness's router answers a path no route serves with an empty 404 or 405, where Next would show its page.
      else if (
        res.status === 404 || res.status === 405
          ? res.body !== "" && !DOCUMENTED.test(res.body)
          : res.status >= 400 && !DOCUMENTED.test(res.body)
      ) {
        failures.push(
          `case ${i}: ${method} ${path} ${JSON.stringify(hs).slice(0, 200)} answered ${res.status} outside the documented shape: ${res.body.slice(0, 200)}`,
        );
      }
      if (failures.length >= 20) break;
    }
    expect(failures.map(redactSecrets)).toEqual([]);
  });
});
