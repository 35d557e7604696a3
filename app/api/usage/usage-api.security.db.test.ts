import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertUsageBatch } from "@/db/queries/usage-write";
import { createKey } from "@/lib/keys/service";
import { loadOverview } from "@/lib/usage/dashboard";
import { parseDashboardParams } from "@/lib/usage/dashboard-url";
import { call } from "@/testing/api";
import { enableTestClerk, type TestClerk } from "@/testing/clerk";
import { testCaller, uniqueOwner, useDatabase } from "@/testing/db";
import { usageEvent } from "@/testing/usage-events";
import { mulberry32 } from "@/lib/prng";

// Attacks on GET /api/usage's date range, replayed through the route handler: each used to hang
// the process (the day walk never ended past the year 9999) or answer 500 (Postgres refuses year 0).

useDatabase();

let clerk: TestClerk;
beforeAll(async () => {
  clerk = await enableTestClerk();
});
afterAll(() => clerk.restore());

const as = async (sub: string) => ({ authorization: `Bearer ${await clerk.sessionToken({ sub })}` });

const usage = (params: Record<string, string>, headers: Record<string, string>) =>
  call("GET", `/api/usage?${new URLSearchParams(params)}`, { headers });

function expectRefused(res: Awaited<ReturnType<typeof call>>, param: "from" | "to") {
  expect(res.status).toBe(400);
  expect(res.json).toEqual({
    error: { message: expect.stringContaining(`'${param}'`), type: "invalid_request_error", code: "bad_request", param },
  });
}

describe("GET /api/usage date range attacks", () => {
  it("to=9999-12-31 answers 400 on 'to' instead of walking days forever", async () => {
    const h = await as(uniqueOwner("user_range"));
    expectRefused(await usage({ to: "9999-12-31" }, h), "to");
    expectRefused(await usage({ from: "9999-12-01", to: "9999-12-31", format: "csv" }, h), "to");
  });

  it("to=9999-12-31T23:00:00-05:00 (a negative offset into the year 10000) answers 400 on 'to'", async () => {
    const h = await as(uniqueOwner("user_range"));
    expectRefused(await usage({ to: "9999-12-31T23:00:00-05:00" }, h), "to");
    expectRefused(await usage({ from: "9999-12-31T00:00:00Z", to: "9999-12-31T23:00:00-05:00" }, h), "to");
    // Both ends in the year 10000: isoDay gave "+010000-01" for each, and that string's next day is itself.
    expectRefused(await usage({ from: "9999-12-31T20:00:00-05:00", to: "9999-12-31T23:00:00-05:00" }, h), "to");
    expectRefused(await usage({ from: "9999-12-31T20:00:00-05:00", to: "2026-01-10" }, h), "from");
  });

  it("years 0 and 0001 answer 400 naming the parameter, never a 500 from Postgres", async () => {
    const h = await as(uniqueOwner("user_range"));
    expectRefused(await usage({ from: "0000-01-01", to: "2026-01-10" }, h), "from");
    expectRefused(await usage({ from: "0001-01-01", to: "2026-01-10" }, h), "from");
    expectRefused(await usage({ from: "0001-01-01T00:00:00+05:00", to: "2026-01-10" }, h), "from");
    expectRefused(await usage({ to: "0000-01-31" }, h), "to");
    expectRefused(await usage({ to: "0001-01-31T00:00:00Z", group_by: "day,key" }, h), "to");
  });

  it("the first and last supported days answer with their usage, from Postgres as from PGlite", async () => {
    const user = uniqueOwner("user_range");
    const key = await createKey(testCaller(user), { name: "Edges", environment: "live" });
    await insertUsageBatch({
      events: [
        usageEvent(user, key.id, { ts: new Date("2000-01-01T00:00:00Z") }),
        usageEvent(user, key.id, { ts: new Date("2999-12-31T23:30:00Z") }),
      ],
    });
    const h = await as(user);
    const first = await usage({ from: "2000-01-01", to: "2000-01-31" }, h);
    expect(first.status).toBe(200);
    expect(first.json.data).toHaveLength(31);
    expect(first.json.data[0]).toMatchObject({ day: "2000-01-01", requests: 1 });
    const last = await usage({ from: "2999-12-01", to: "2999-12-31" }, h);
    expect(last.json.data.at(-1)).toMatchObject({ day: "2999-12-31", requests: 1 });
    const lastHour = await usage({ from: "2999-12-31T23:00:00Z", to: "2999-12-31T23:00:00-01:00" }, h);
    expect(lastHour.status).toBe(200);
    expect(lastHour.json.data).toEqual([expect.objectContaining({ day: "2999-12-31", requests: 1 })]);
  });

  it("a few hundred odd dates and timestamps: every call returns, none with a 5xx", async () => {
    const h = await as(uniqueOwner("user_range"));
    const random = mulberry32(20261202);
    const seen = { ok: 0, refused: 0 };
    for (let i = 0; i < 300; i++) {
      const params: Record<string, string> = {};
      if (random() < 0.8) params.from = oddValue(random);
      if (random() < 0.8) params.to = random() < 0.3 && params.from ? nearby(params.from, random) : oddValue(random);
      if (random() < 0.3) params.group_by = "day,key";
      const res = await usage(params, h);
      const what = JSON.stringify(params);
      expect(res.status, what).toBeLessThan(500);
      if (res.status === 200) {
        seen.ok++;
        expect(res.json.data.length, what).toBeLessThanOrEqual(367);
      } else {
        seen.refused++;
        expect(res.status, what).toBe(400);
        expect(["from", "to"], what).toContain(res.json.error.param);
      }
    }
    // Both outcomes occur, so the loop exercised the day walk as well as the refusals.
    expect(seen.ok).toBeGreaterThan(10);
    expect(seen.refused).toBeGreaterThan(10);
  });
});

describe("dashboard URL state", () => {
  it("the overview ignores crafted ?from= and ?to= and shows its own range", async () => {
    const ownerId = uniqueOwner("user_range");
    const now = new Date("2026-12-02T10:30:00Z");
    for (const [sp, buckets] of [
      [{ from: "9999-12-31", to: "9999-12-31T23:00:00-05:00" }, 7],
      [{ from: "0000-01-01", to: "0001-01-31", range: "24h" }, 25],
    ] as const) {
      const data = await loadOverview({ ownerId, params: parseDashboardParams(sp), keys: [], now });
      expect(data.points).toHaveLength(buckets);
    }
  });
});

// ---- the fuzz's inputs -------------------------------------------------------------------

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

const YEARS = [0, 1, 99, 999, 1969, 1970, 1999, 2000, 2026, 2026, 2026, 2999, 3000, 9999, 10000, 275760, -1];
const ZONES = ["Z", "Z", "+00:00", "-05:00", "+05:30", "+14:00", "-14:00", "+23:59", "-23:59", "", "+2400", " GMT", "+99:99"];
const JUNK = [
  "",
  " ",
  "yesterday",
  "2026-01-01T",
  "2026-1-1",
  "NaN",
  "Infinity",
  "2026-01-01T00:00:00Z\u0000",
  "２０２６-01-01",
  "+275760-09-13T00:00:00Z",
  "-271821-04-20T00:00:00Z",
  "+010000-01-01",
  `2026-01-01T${"9".repeat(300)}`,
  "2026-02-29",
  "2028-02-29",
  "2026-01-01T00:00:00.123456789Z",
];

function year(r: () => number): string {
  const y = r() < 0.3 ? int(r, 1990, 3010) : pick(r, YEARS);
  if (y >= 0 && y <= 9999) return pad(y, 4);
  return `${y < 0 ? "-" : "+"}${pad(Math.abs(y), 6)}`;
}

function oddValue(r: () => number): string {
  if (r() < 0.15) return pick(r, JUNK);
  const date = `${year(r)}-${pad(int(r, 0, 13))}-${pad(int(r, 0, 32))}`;
  if (r() < 0.4) return date;
  const ms = r() < 0.2 ? `.${pad(int(r, 0, 999), 3)}` : "";
  return `${date}T${pad(int(r, 0, 25))}:${pad(int(r, 0, 60))}:${pad(int(r, 0, 60))}${ms}${pick(r, ZONES)}`;
}

/** A 'to' a few days after 'from', same form, so that plenty of ranges are valid. */
function nearby(from: string, r: () => number): string {
  const at = Date.parse(/T/.test(from) ? from : `${from}T00:00:00Z`);
  if (Number.isNaN(at)) return from;
  const to = new Date(at + int(r, 1, 400) * 86_400_000);
  if (Number.isNaN(to.getTime())) return from;
  return /T/.test(from) ? to.toISOString() : to.toISOString().slice(0, 10);
}
