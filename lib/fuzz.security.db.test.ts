import { describe, expect, it } from "vitest";
import { PERMISSIONS } from "@/lib/auth/permissions";
import { generateKey, looksLikeGatewayKey, parseKey } from "@/lib/keys/format";
import { createKey } from "@/lib/keys/service";
import { call } from "@/testing/api";
import { testCaller, useDatabase } from "@/testing/db";
import { FIELD_NAMES, nearKey, randomBody, randomDate, randomJson, randomString, Rng } from "@/testing/fuzz";

// Issue 16, "how it is shown": a bounded fuzz of the key parser and the management API (bodies
// of POST/PATCH /api/keys and roll, query strings of GET /api/usage). Fixed seeds, so a failure
// names a case that replays; every case is collected, and the test lists all that went wrong.
// The proxy's headers and bodies are fuzzed in lib/fuzz-proxy.security.db.test.ts.

useDatabase();

const SEED = 0x16_2026;

type Answer = Awaited<ReturnType<typeof call>>;

/** What a caller may get: anything but a 5xx, and any refusal in the documented {error:{message,type}}. */
function problem(res: Answer): string | null {
  if (res.status >= 500) return `answered ${res.status}: ${res.text.slice(0, 200)}`;
  if (res.status < 400) return null;
  const error = (res.json as { error?: { message?: unknown; type?: unknown } } | undefined)?.error;
  if (typeof error?.message !== "string" || typeof error.type !== "string")
    return `${res.status} not in the documented shape: ${res.text.slice(0, 200)}`;
  return null;
}

/** Runs every case, never stopping at the first: the failure lists each case that went wrong. */
async function fuzz(count: number, seed: number, one: (rng: Rng, i: number) => Promise<string | null>): Promise<string[]> {
  const rng = new Rng(seed);
  const failures: string[] = [];
  for (let i = 0; i < count; i++) {
    const found = await one(rng, i).catch((err: Error) => `threw ${err.name}: ${err.message}`);
    if (found && failures.length < 20) failures.push(`case ${i}: ${found}`);
  }
  return failures;
}

const shown = (v: unknown) => JSON.stringify(v)?.slice(0, 300);

/** A key body with each field now right, now wrong in type, range or shape. */
function keyFields(rng: Rng): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (rng.chance(0.8)) out.name = rng.chance(0.6) ? `fuzz ${randomString(rng, 3)}` : randomJson(rng, 1);
  if (rng.chance(0.4)) out.environment = rng.pick(["live", "test", "LIVE", "", "prod", 1, null]);
  if (rng.chance(0.4)) {
    const some: string[] = PERMISSIONS.filter(() => rng.chance(0.5));
    out.permissions = rng.chance(0.7) ? some.concat(rng.chance(0.2) ? [randomString(rng, 2)] : []) : randomJson(rng, 1);
  }
  if (rng.chance(0.3)) {
    const n = () => rng.pick<unknown>([1, 0, -5, 60, 1.5, 1e9, 1e300, null, "10", true, 2 ** 53 + 2]);
    out.limits = rng.chance(0.8)
      ? { requests_per_minute: n(), tokens_per_minute: n(), monthly_budget_usd: n(), [rng.pick(FIELD_NAMES)]: n() }
      : randomJson(rng, 2);
  }
  if (rng.chance(0.3))
    out.allowed_providers = rng.pick<unknown>([["openai"], ["anthropic", "google"], [], ["nosuchai"], "openai", null, [1]]);
  if (rng.chance(0.3)) out.allowed_models = rng.pick<unknown>([["gpt-*"], ["*"], ["a*b*"], [""], [randomString(rng)], null, {}]);
  if (rng.chance(0.3)) out.expires_at = rng.chance(0.3) ? "2999-01-01T00:00:00Z" : rng.chance(0.5) ? randomDate(rng) : randomJson(rng, 0);
  if (rng.chance(0.2)) out.grace_seconds = rng.pick<unknown>([0, 60, -1, 1.5, 604_800, 604_801, 1e308, "60", null]);
  return out;
}

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "",
];

function bodyOptions(rng: Rng): { rawBody: string; headers: Record<string, string> } {
  const contentType = rng.pick(CONTENT_TYPES);
  return { rawBody: randomBody(rng, () => keyFields(rng)), headers: contentType ? { "content-type": contentType } : {} };
}

/** A path segment from random text, always valid percent-encoding (malformed ones go through a door, in the proxy fuzz). */
const segment = (rng: Rng) => encodeURIComponent(randomString(rng, 3).replace(/[\ud800-\udfff]/g, "")) || "x";

describe("fuzz: the key parser", () => {
  it("never throws on thousands of strings, and never accepts a key with one thing wrong", () => {
    const rng = new Rng(SEED);
    const failures: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const real = generateKey(rng.chance(0.5) ? "live" : "test").key;
      const input = i % 2 === 0 ? nearKey(rng, real) : randomString(rng, 12);
      try {
        const parsed = parseKey(input);
        looksLikeGatewayKey(input);
        // One thing wrong (a flipped, dropped or added character, a case change, padding) is never
        // a key: the checksum catches any one changed character, the exact form the rest.
        if (parsed && input !== real) failures.push(`case ${i}: accepted ${shown(input)}`);
        if (parsed && !looksLikeGatewayKey(input)) failures.push(`case ${i}: parsed but not routed as ours: ${shown(input)}`);
      } catch (err) {
        failures.push(`case ${i}: threw on ${shown(input)}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe("fuzz: the management API's bodies and query strings", () => {
  it("POST /api/keys with six hundred bodies: never a 5xx, every refusal in the documented shape", async () => {
    const failures = await fuzz(600, SEED + 1, async (rng) => {
      const opts = bodyOptions(rng);
      const found = problem(await call("POST", "/api/keys", opts));
      return found && `${found} for ${shown(opts)}`;
    });
    expect(failures).toEqual([]);
  });

  it("PATCH /api/keys/{id} with six hundred bodies, on real and made-up ids alike", async () => {
    let id = "";
    const failures = await fuzz(600, SEED + 2, async (rng, i) => {
      // A fresh key now and then: the bodies revoke nothing, but expiry and limits pile up.
      if (i % 60 === 0) id = (await createKey(testCaller("local"), { name: "fuzz patch", environment: "live" })).id;
      const target = rng.chance(0.8) ? id : rng.chance(0.5) ? `key_${segment(rng)}` : segment(rng);
      const opts = bodyOptions(rng);
      const found = problem(await call("PATCH", `/api/keys/${target}`, opts));
      return found && `${found} for ${target} ${shown(opts)}`;
    });
    expect(failures).toEqual([]);
  });

  it("POST /api/keys/{id}/roll with two hundred bodies, on fresh, rolled and made-up keys", async () => {
    let id = "";
    const failures = await fuzz(200, SEED + 3, async (rng, i) => {
      if (i % 20 === 0) id = (await createKey(testCaller("local"), { name: "fuzz roll", environment: "test" })).id;
      const target = rng.chance(0.85) ? id : `key_${segment(rng)}`;
      const opts = bodyOptions(rng);
      const res = await call("POST", `/api/keys/${target}/roll`, opts);
      if (res.status === 201) id = res.json.id; // roll the new one next: a chain, as a rotation script does
      const found = problem(res);
      return found && `${found} for ${target} ${shown(opts)}`;
    });
    expect(failures).toEqual([]);
  });

  it("GET /api/usage with eight hundred query strings: never a 5xx, never a hang, refusals documented", async () => {
    const PARAMS = ["from", "to", "group_by", "format", "key_id", "environment", "provider", "model", "tz", "limit"];
    const valueFor = (rng: Rng, param: string): string => {
      if (rng.chance(0.15)) return randomString(rng, 4);
      if (param === "from" || param === "to") return randomDate(rng);
      if (param === "group_by")
        return Array.from({ length: 1 + rng.int(6) }, () =>
          rng.pick(["day", "key", "provider", "model", "environment", "hour", "", " day"]),
        ).join(",");
      if (param === "format") return rng.pick(["json", "csv", "CSV", "xml", ""]);
      if (param === "environment") return rng.pick(["live", "test", "both", ""]);
      if (param === "key_id") return rng.chance(0.5) ? generateKey().id : `key_${"x".repeat(rng.int(300))}`;
      return randomString(rng, 3);
    };
    const failures = await fuzz(800, SEED + 4, async (rng) => {
      const parts: string[] = [];
      for (let n = rng.int(6); n > 0; n--) {
        const param = rng.chance(0.9) ? rng.pick(PARAMS) : randomString(rng, 2);
        const value = valueFor(rng, param);
        // Mostly encoded as a browser would, sometimes raw, percent garbage and all.
        const enc = (s: string) => (rng.chance(0.8) ? encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "")) : s.replace(/[#\s]/g, ""));
        parts.push(`${enc(param)}=${enc(value)}`);
      }
      const path = `/api/usage?${parts.join("&")}`;
      const found = problem(await call("GET", path));
      return found && `${found} for ${path.slice(0, 300)}`;
    });
    expect(failures).toEqual([]);
  });
});
