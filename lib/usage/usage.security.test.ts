import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { bucketsOf } from "@/lib/usage/chart-series";
import { parseDashboardParams, rangeFor } from "@/lib/usage/dashboard-url";
import { eachDay, MAX_DAY, MIN_DAY, parseRange } from "@/lib/usage/query";

// Attacks on the usage date ranges, replayed without a database: each one used to hang the
// process (a day walk that never ended) or reach Postgres with a year it refuses.

const NOW = new Date("2026-12-02T10:00:00Z");

/** The AppError parseRange throws for from/to, or a failure naming what it returned instead. */
function refusal(from: string | null, to: string | null): AppError {
  try {
    const range = parseRange(from, to, NOW);
    throw new Error(`accepted ${from}..${to} as ${JSON.stringify(range)}`);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return err;
  }
}

describe("usage range attacks (parseRange)", () => {
  it("to=9999-12-31: a date whose next day, +010000-01-01, sorts before it", () => {
    expect(refusal(null, "9999-12-31")).toMatchObject({ code: "bad_request", status: 400, param: "to" });
    expect(refusal("9999-12-01", "9999-12-31")).toMatchObject({ status: 400, param: "to" });
  });

  it("to=9999-12-31T23:00:00-05:00: a timestamp that its offset pushes into the year 10000", () => {
    expect(refusal(null, "9999-12-31T23:00:00-05:00")).toMatchObject({ status: 400, param: "to" });
    expect(refusal("9999-12-31T00:00:00Z", "9999-12-31T23:00:00-05:00")).toMatchObject({ status: 400, param: "to" });
    expect(refusal("9999-12-31T20:00:00-05:00", "2026-01-10")).toMatchObject({ status: 400, param: "from" });
  });

  it("years 0 and 0001, as dates and as timestamps, name the parameter at fault", () => {
    expect(refusal("0000-01-01", "2026-01-10")).toMatchObject({ status: 400, param: "from" });
    expect(refusal("0001-01-01", "2026-01-10")).toMatchObject({ status: 400, param: "from" });
    expect(refusal(null, "0000-01-31")).toMatchObject({ status: 400, param: "to" });
    expect(refusal(null, "0001-01-31")).toMatchObject({ status: 400, param: "to" });
    expect(refusal("0001-01-01T00:00:00+05:00", "2026-01-10")).toMatchObject({ status: 400, param: "from" });
  });

  it("an offset that carries an edge out of the supported years is refused after it applies", () => {
    expect(refusal("2000-01-01T00:00:00+01:00", "2000-01-10")).toMatchObject({ status: 400, param: "from" });
    expect(refusal("2999-12-30", "2999-12-31T23:00:00-05:00")).toMatchObject({ status: 400, param: "to" });
    expect(refusal("1999-12-31", "2000-01-10")).toMatchObject({ status: 400, param: "from" });
    expect(refusal("2999-12-01", "3000-01-01")).toMatchObject({ status: 400, param: "to" });
  });

  it("the message says which years are supported, and an over-long value is not echoed back", () => {
    expect(refusal(null, "9999-12-31").message).toContain(`between ${MIN_DAY} and ${MAX_DAY}`);
    const long = `2026-01-01T00:00:00${"0".repeat(500)}Z`;
    const err = refusal(long, "2026-01-10");
    expect(err).toMatchObject({ status: 400, param: "from" });
    expect(err.message).not.toContain(long);
  });

  it("the supported edges themselves still answer", () => {
    expect(parseRange(MIN_DAY, "2000-01-31", NOW)).toEqual({ kind: "days", from: MIN_DAY, to: "2000-01-31" });
    expect(parseRange("2999-12-01", MAX_DAY, NOW)).toEqual({ kind: "days", from: "2999-12-01", to: MAX_DAY });
    expect(parseRange("2999-12-31T00:00:00Z", "2999-12-31T23:00:00-01:00", NOW)).toEqual({
      kind: "instants",
      from: new Date("2999-12-31T00:00:00Z"),
      to: new Date("3000-01-01T00:00:00Z"),
    });
    // Only 'to' given near the lower edge: the default 30 days start no earlier than the edge.
    expect(parseRange(null, "2000-01-10", NOW)).toEqual({ kind: "days", from: MIN_DAY, to: "2000-01-10" });
  });
});

describe("range walks are bounded by a count, not a string comparison", () => {
  it("eachDay ends across the year 10000, where ISO day strings stop sorting", () => {
    // The string walk saw "+010000-…" sort before "9999-…": it returned nothing here and never ended from 9999-12-31.
    expect(eachDay("9999-12-30", "+010000-01-02")).toHaveLength(4);
  });

  it("eachDay refuses a walk longer than any range the API allows, or dates it cannot read", () => {
    expect(eachDay("2026-01-01", "2026-12-31")).toHaveLength(365);
    expect(eachDay("2026-01-02", "2026-01-01")).toEqual([]);
    expect(() => eachDay(MIN_DAY, MAX_DAY)).toThrow(/at most/);
    expect(() => eachDay("garbage", "2026-01-01")).toThrow(/at most/);
  });

  it("the dashboard's hour buckets come from a count, and an impossible range throws instead of filling memory", () => {
    const day = { kind: "instants" as const, from: new Date("2026-03-10T08:30:00Z"), to: new Date("2026-03-11T08:30:00Z") };
    const hours = bucketsOf(day);
    expect(hours).toHaveLength(25);
    expect(hours[0].bucket).toBe("2026-03-10T08:00:00Z");
    expect(hours.at(-1)!.bucket).toBe("2026-03-11T08:00:00Z");
    expect(() => bucketsOf({ kind: "instants", from: new Date("2026-01-01T00:00:00Z"), to: new Date("2027-06-01T00:00:00Z") })).toThrow(
      /at most/,
    );
    expect(() => bucketsOf({ kind: "instants", from: new Date(Number.NaN), to: new Date("2026-01-01T00:00:00Z") })).toThrow(/at most/);
  });
});

describe("dashboard URL state", () => {
  it("crafted ?from=, ?to= and ?range= fall back to the default range", () => {
    for (const sp of [
      { from: "9999-12-31", to: "9999-12-31T23:00:00-05:00" },
      { from: "0000-01-01", to: "0001-01-31", range: "9999d" },
      { range: ["24h\u0000", "90d"], from: ["x", "y"] },
    ]) {
      const params = parseDashboardParams(sp);
      expect(params.range).toBe("7d");
      expect(bucketsOf(rangeFor(params.range, NOW)).map((b) => b.bucket)).toEqual(eachDay("2026-11-26", "2026-12-02"));
    }
  });
});
