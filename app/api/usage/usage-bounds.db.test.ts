import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { insertUsageBatch } from "@/db/queries/usage-write";
import { resetEnv } from "@/lib/env";
import { createKey } from "@/lib/keys/service";
import { call } from "@/testing/api";
import { enableTestClerk, type TestClerk } from "@/testing/clerk";
import { testCaller, uniqueOwner, useDatabase } from "@/testing/db";
import { usageEvent } from "@/testing/usage-events";

// GET /api/usage within its bounds: a read that would take too long or answer too many rows
// ends with an error in the API's own shape, saying what to ask for instead.

useDatabase();

let clerk: TestClerk;
beforeAll(async () => {
  clerk = await enableTestClerk();
});
afterAll(() => clerk.restore());
afterEach(() => {
  for (const name of ["USAGE_READ_SLICE_ROWS", "USAGE_READ_TIMEOUT_MS", "USAGE_READ_MAX_ROWS"]) delete process.env[name];
  resetEnv();
});

/** An owner with one request a day, on each of `days` days from 2026-01-01. */
async function seed(days: number): Promise<{ headers: Record<string, string> }> {
  const user = uniqueOwner("user_bounds");
  const key = await createKey(testCaller(user), { name: "k", environment: "live" });
  const events = Array.from({ length: days }, (_, i) => usageEvent(user, key.id, { ts: new Date(Date.UTC(2026, 0, 1 + i, 12)) }));
  await insertUsageBatch({ events });
  return { headers: { authorization: `Bearer ${await clerk.sessionToken({ sub: user })}` } };
}

function setEnv(values: Record<string, string>) {
  Object.assign(process.env, values);
  resetEnv();
}

describe("GET /api/usage within its bounds", () => {
  it("answers 400 naming group_by when the answer would hold more than USAGE_READ_MAX_ROWS rows", async () => {
    const { headers } = await seed(10);
    setEnv({ USAGE_READ_MAX_ROWS: "9" });
    const res = await call("GET", "/api/usage?from=2026-01-01&to=2026-01-10&group_by=day", { headers });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: {
        type: "invalid_request_error",
        code: "bad_request",
        param: "group_by",
        message: "This usage read has more than 9 rows. Ask for a shorter range or fewer group_by dimensions.",
      },
    });
    // Within the bound, the same read answers.
    const fewer = await call("GET", "/api/usage?from=2026-01-01T00:00:00Z&to=2026-01-09T00:00:00Z&group_by=day", { headers });
    expect(fewer.status).toBe(200);
    expect(fewer.json.totals.requests).toBe(8);
  });

  it("answers 504 when the read runs past USAGE_READ_TIMEOUT_MS, and the next read within it answers", async () => {
    const { headers } = await seed(300);
    // A statement a row: 300 days' reads take far longer than 100 ms.
    setEnv({ USAGE_READ_SLICE_ROWS: "1", USAGE_READ_TIMEOUT_MS: "100" });
    const res = await call("GET", "/api/usage?from=2026-01-01T06:00:00Z&to=2026-10-28T06:00:00Z", { headers });
    expect(res.status).toBe(504);
    expect(res.json).toEqual({
      error: {
        type: "api_error",
        code: "gateway_timeout",
        message: "This usage read took longer than 0.1 s. Ask for a shorter range, fewer group_by dimensions, or one key.",
      },
    });
    setEnv({ USAGE_READ_TIMEOUT_MS: "5000" });
    const again = await call("GET", "/api/usage?from=2026-01-01T06:00:00Z&to=2026-10-28T06:00:00Z", { headers });
    expect(again.status).toBe(200);
    expect(again.json.totals.requests).toBe(300);
  });
});
