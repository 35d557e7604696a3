import { describe, expect, it } from "vitest";
import { detectAnomalies } from "./anomaly";

const activity = (last: [number, number], base: [number, number], hours = 167) => ({
  lastHour: { requests: last[0], errors: last[1] },
  baseline: { requests: base[0], errors: base[1], hours },
});

describe("anomaly notice", () => {
  it("flags a last hour far above the usual hourly rate", () => {
    // Usually 10 an hour; 400 in the last hour.
    expect(detectAnomalies(activity([400, 0], [1670, 0]))).toEqual([{ kind: "traffic", lastHour: 400, usualPerHour: 10 }]);
  });

  it("stays quiet for ordinary traffic and for small numbers", () => {
    expect(detectAnomalies(activity([30, 0], [1670, 0]))).toEqual([]); // 3× usual
    expect(detectAnomalies(activity([20, 0], [0, 0]))).toEqual([]); // a new key's first requests
  });

  it("flags a brand-new key that suddenly sends a lot", () => {
    expect(detectAnomalies(activity([500, 0], [0, 0], 1))).toMatchObject([{ kind: "traffic", lastHour: 500 }]);
  });

  it("flags an error rate that jumps, not one that is always high", () => {
    // Usually 50 an hour with 1 % errors; the last hour: ordinary traffic, 40 % errors.
    expect(detectAnomalies(activity([100, 40], [8350, 83]))).toEqual([
      { kind: "errors", lastHourRate: 0.4, usualRate: 83 / 8350, errors: 40 },
    ]);
    expect(detectAnomalies(activity([100, 40], [8350, 3000]))).toEqual([]); // usually 36 %: nothing new
    expect(detectAnomalies(activity([12, 5], [8350, 0]))).toEqual([]); // too few errors to mean anything
  });
});
