import { describe, expect, it } from "vitest";
import type { UsageSums } from "@/db/queries/usage-read";
import { bucketsOf, chartSeries, dayPoints, MAX_SERIES, weeklyUsage, type BucketKeyRow } from "./chart-series";

// How usage rows become the dashboard's chart points and series, without a database.

const ZERO: UsageSums = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0, unpricedRequests: 0 };
const sums = (over: Partial<UsageSums>): UsageSums => ({ ...ZERO, ...over });
const row = (bucket: string, keyId: string, over: Partial<UsageSums> = {}, keyName: string | null = `name of ${keyId}`): BucketKeyRow => ({
  ...sums({ requests: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.01, ...over }),
  bucket,
  keyId,
  keyName,
});

const WEEK = { kind: "days", from: "2025-11-20", to: "2025-11-26" } as const;

describe("chart buckets", () => {
  it("a range of days has one bucket per UTC day, both ends included, labelled by month and day", () => {
    const buckets = bucketsOf({ kind: "days", from: "2025-12-30", to: "2026-01-02" });
    expect(buckets).toEqual([
      { bucket: "2025-12-30", label: "Dec 30", title: "Dec 30, 2025" },
      { bucket: "2025-12-31", label: "Dec 31", title: "Dec 31, 2025" },
      { bucket: "2026-01-01", label: "Jan 1", title: "Jan 1, 2026" },
      { bucket: "2026-01-02", label: "Jan 2", title: "Jan 2, 2026" },
    ]);
  });

  it("a range of instants has one bucket per UTC hour it touches, partial first and last hours included", () => {
    const buckets = bucketsOf({ kind: "instants", from: new Date("2025-11-23T22:30:00Z"), to: new Date("2025-11-24T01:15:00Z") });
    expect(buckets).toEqual([
      { bucket: "2025-11-23T22:00:00Z", label: "22:00", title: "Nov 23, 22:00 UTC" },
      { bucket: "2025-11-23T23:00:00Z", label: "23:00", title: "Nov 23, 23:00 UTC" },
      { bucket: "2025-11-24T00:00:00Z", label: "00:00", title: "Nov 24, 00:00 UTC" },
      { bucket: "2025-11-24T01:00:00Z", label: "01:00", title: "Nov 24, 01:00 UTC" },
    ]);
  });

  it("the last 24 hours to the minute are 25 hourly buckets; to the hour, 24", () => {
    const to = new Date("2025-11-24T10:20:00Z");
    expect(bucketsOf({ kind: "instants", from: new Date(to.getTime() - 24 * 3_600_000), to })).toHaveLength(25);
    const whole = new Date("2025-11-24T10:00:00Z");
    expect(bucketsOf({ kind: "instants", from: new Date(whole.getTime() - 24 * 3_600_000), to: whole })).toHaveLength(24);
  });
});

describe("chart points and series", () => {
  it("sums every key's rows into its bucket, and leaves the buckets without rows at zero with no error rate", () => {
    const { points } = chartSeries(WEEK, [
      row("2025-11-21", "a", { requests: 4, errors: 1, inputTokens: 100, outputTokens: 20, costUsd: 0.5, unpricedRequests: 1 }),
      row("2025-11-21", "b", { requests: 6, errors: 0, inputTokens: 50, outputTokens: 30, costUsd: 0.25 }),
    ]);
    expect(points.map((p) => p.bucket)).toEqual([
      "2025-11-20",
      "2025-11-21",
      "2025-11-22",
      "2025-11-23",
      "2025-11-24",
      "2025-11-25",
      "2025-11-26",
    ]);
    expect(points[1]).toMatchObject({
      label: "Nov 21",
      title: "Nov 21, 2025",
      requests: 10,
      errors: 1,
      errorRate: 0.1,
      inputTokens: 150,
      outputTokens: 50,
      costUsd: 0.75,
      unpricedRequests: 1,
    });
    expect(points[0]).toMatchObject({ requests: 0, errors: 0, errorRate: null, inputTokens: 0, costUsd: 0 });
  });

  it("gives each key a slot, busiest by tokens first (cost breaks ties), with its tokens and cost in every point", () => {
    const { points, series } = chartSeries(WEEK, [
      row("2025-11-20", "quiet", { inputTokens: 10, outputTokens: 0, costUsd: 1 }),
      row("2025-11-20", "busy", { inputTokens: 900, outputTokens: 100, costUsd: 0.1 }),
      row("2025-11-22", "busy", { inputTokens: 1_000, outputTokens: 0, costUsd: 0.2 }),
      row("2025-11-20", "pricey", { inputTokens: 10, outputTokens: 0, costUsd: 2 }),
    ]);
    expect(series).toEqual([
      { slot: 0, id: "busy", name: "name of busy" },
      { slot: 1, id: "pricey", name: "name of pricey" },
      { slot: 2, id: "quiet", name: "name of quiet" },
    ]);
    expect(points[0]).toMatchObject({ t0: 1_000, c0: 0.1, t1: 10, c1: 2, t2: 10, c2: 1 });
    expect(points[2]).toMatchObject({ t0: 1_000, c0: 0.2, t1: 0, c1: 0, t2: 0, c2: 0 });
    // A day nobody used still has every series, at zero, so stacked areas do not break.
    expect(points[6]).toMatchObject({ t0: 0, c0: 0, t1: 0, c1: 0, t2: 0, c2: 0 });
  });

  it(`past ${MAX_SERIES} keys, the quietest are stacked together as one "other keys" series`, () => {
    const ids = ["k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"];
    // k1 the busiest, k8 the quietest.
    const rows = ids.map((id, i) => row("2025-11-23", id, { inputTokens: 1_000 - i * 100, outputTokens: 0, costUsd: 1 }));
    const { points, series } = chartSeries(WEEK, rows);
    expect(series).toHaveLength(MAX_SERIES);
    expect(series.slice(0, MAX_SERIES - 1).map((s) => s.id)).toEqual(["k1", "k2", "k3", "k4", "k5"]);
    expect(series.at(-1)).toEqual({ slot: MAX_SERIES - 1, id: "other", name: "3 other keys" });
    expect(points[3][`t${MAX_SERIES - 1}`]).toBe(500 + 400 + 300);
    expect(points[3][`c${MAX_SERIES - 1}`]).toBe(3);
    expect(points[3].requests).toBe(8);
  });

  it(`exactly ${MAX_SERIES} keys are all shown, none as "other"`, () => {
    const rows = Array.from({ length: MAX_SERIES }, (_, i) => row("2025-11-23", `k${i}`));
    expect(chartSeries(WEEK, rows).series.map((s) => s.id)).not.toContain("other");
  });

  it("keys that share a name (a rolled key and its successor, two 'Batch jobs') are told apart by id", () => {
    const { series } = chartSeries(WEEK, [
      row("2025-11-23", "key_old", { inputTokens: 900 }, "Batch jobs"),
      row("2025-11-23", "key_new", { inputTokens: 100 }, "Batch jobs"),
      row("2025-11-23", "key_web", { inputTokens: 50 }, "Web"),
    ]);
    expect(series.map((s) => s.name)).toEqual(["Batch jobs (key_old)", "Batch jobs (key_new)", "Web"]);
  });

  it("names a key by its id when its name is unknown", () => {
    const { series } = chartSeries(WEEK, [row("2025-11-23", "key_gone", {}, null)]);
    expect(series).toEqual([{ slot: 0, id: "key_gone", name: "key_gone" }]);
  });

  it("hourly rows land in their UTC hour, and rows outside the range are left out of the points", () => {
    const range = { kind: "instants", from: new Date("2025-11-24T08:30:00Z"), to: new Date("2025-11-24T10:30:00Z") } as const;
    const { points } = chartSeries(range, [
      row("2025-11-24T08:00:00Z", "a", { requests: 2 }),
      row("2025-11-24T10:00:00Z", "a", { requests: 3, errors: 3 }),
      row("2025-11-24T11:00:00Z", "a", { requests: 100 }),
    ]);
    expect(points.map((p) => [p.label, p.requests, p.errorRate])).toEqual([
      ["08:00", 2, 0],
      ["09:00", 0, null],
      ["10:00", 3, 1],
    ]);
  });

  it("no rows: a point per bucket and no series", () => {
    const { points, series } = chartSeries(WEEK, []);
    expect(series).toEqual([]);
    expect(points).toHaveLength(7);
    expect(points.every((p) => p.requests === 0 && p.errorRate === null)).toBe(true);
  });
});

describe("one key's daily points", () => {
  it("are the day rows as they come, labelled, with their error rate", () => {
    const points = dayPoints([
      { day: "2025-11-23", ...sums({ requests: 4, errors: 2, inputTokens: 7, outputTokens: 3, costUsd: 0.5, unpricedRequests: 1 }) },
      { day: "2025-11-24", ...ZERO },
    ]);
    expect(points).toEqual([
      {
        bucket: "2025-11-23",
        label: "Nov 23",
        title: "Nov 23, 2025",
        requests: 4,
        errors: 2,
        errorRate: 0.5,
        inputTokens: 7,
        outputTokens: 3,
        costUsd: 0.5,
        unpricedRequests: 1,
      },
      {
        bucket: "2025-11-24",
        label: "Nov 24",
        title: "Nov 24, 2025",
        requests: 0,
        errors: 0,
        errorRate: null,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        unpricedRequests: 0,
      },
    ]);
  });
});

describe("the keys table's per-day counts", () => {
  it("adds up each key's requests and tokens, and its requests per day in the days' order", () => {
    const days = ["2025-11-24", "2025-11-25", "2025-11-26"];
    const weekly = weeklyUsage(days, [
      { day: "2025-11-24", keyId: "a", ...sums({ requests: 2, inputTokens: 10, outputTokens: 5 }) },
      { day: "2025-11-26", keyId: "a", ...sums({ requests: 3, inputTokens: 1, outputTokens: 1 }) },
      { day: "2025-11-25", keyId: "b", ...sums({ requests: 1 }) },
    ]);
    expect(weekly).toEqual({
      a: { requests: 5, tokens: 17, perDay: [2, 0, 3] },
      b: { requests: 1, tokens: 0, perDay: [0, 1, 0] },
    });
  });
});
