import { describe, expect, it } from "vitest";
import { median, overlapping, percentile, round, sortNumbers } from "./stats";

describe("percentile", () => {
  const ten = sortNumbers([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);

  it("takes the nearest rank: p50 of 1..10 is 5, p99 is 10, p0 is the smallest", () => {
    expect(percentile(ten, 0.5)).toBe(5);
    expect(percentile(ten, 0.9)).toBe(9);
    expect(percentile(ten, 0.99)).toBe(10);
    expect(percentile(ten, 1)).toBe(10);
    expect(percentile(ten, 0)).toBe(1);
  });

  it("is the only value of a one-element list and NaN for an empty one", () => {
    expect(percentile([42], 0.5)).toBe(42);
    expect(percentile([42], 0.99)).toBe(42);
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe("sortNumbers", () => {
  it("sorts numerically, not as strings", () => {
    expect([...sortNumbers([10, 9, 100, 1.5])]).toEqual([1.5, 9, 10, 100]);
  });
});

describe("round", () => {
  it("keeps the given digits, and writes NaN and infinities as null (JSON has neither)", () => {
    expect(round(1.23456)).toBe(1.235);
    expect(round(1.23456, 1)).toBe(1.2);
    expect(round(NaN)).toBeNull();
    expect(round(Infinity)).toBeNull();
  });
});

describe("median", () => {
  it("is the middle value, the lower of the two middles for an even count, and leaves its input alone", () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2);
  });
});

describe("overlapping", () => {
  it("keeps the requests in flight at some moment of the window, their durations ascending", () => {
    const requests = [
      { endedAt: 95, ms: 10 }, // 85..95: ended before the window
      { endedAt: 105, ms: 10 }, // 95..105: ended inside
      { endedAt: 150, ms: 5 }, // inside
      { endedAt: 230, ms: 40 }, // 190..230: began inside
      { endedAt: 300, ms: 200 }, // 100..300: spans the end
      { endedAt: 260, ms: 50 }, // 210..260: began after
    ];
    expect([...overlapping(requests, 100, 200)]).toEqual([5, 10, 40, 200]);
  });
});
