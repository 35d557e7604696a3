import { describe, expect, it } from "vitest";
import { judge, TARGETS } from "./targets";

describe("the bench's targets", () => {
  it("draw each line where its text says", () => {
    const at = (goal: keyof typeof TARGETS, ...xs: number[]) => xs.map((x) => TARGETS[goal].met(x));
    expect(at("throughputVsDirect", 0.45, 0.449)).toEqual([true, false]);
    expect(at("throughputVsPortkey", 3, 2.99)).toEqual([true, false]);
    expect(at("addedLatencyMs", 0.499, 0.5)).toEqual([true, false]);
    expect(at("firstChunkVsBare", 1.2, 1.201)).toEqual([true, false]);
    expect(at("gatewayRssMb", 299.9, 300)).toEqual([true, false]);
    expect(at("appRssMb", 299.9, 300)).toEqual([true, false]);
    expect(at("coldVsIdle", 3, 3.01)).toEqual([true, false]);
    expect(at("floodVsIdle", 3, 3.01)).toEqual([true, false]);
    expect(at("manyKeysVsOne", 0.9, 0.89)).toEqual([true, false]);
    expect(at("cheapVsBare", 0.9, 0.89)).toEqual([true, false]);
    expect(at("cheapVsPortkey", 5, 4.99)).toEqual([true, false]);
    expect(at("usageRecorded", 0, 1)).toEqual([true, false]);
    expect(at("errors", 0, 1)).toEqual([true, false]);
  });

  it("are never met by a figure that was not measured (NaN)", () => {
    for (const [name, goal] of Object.entries(TARGETS)) expect(goal.met(NaN), name).toBe(false);
  });

  it("judge: the verdict on the measured value, the recorded value rounded as results.json keeps it", () => {
    expect(judge(TARGETS.throughputVsDirect, 0.4567)).toEqual({ target: "≥ 0.45× direct", met: true, value: 0.46 });
    expect(judge(TARGETS.addedLatencyMs, NaN)).toEqual({ target: "< 0.5 ms", met: false, value: null });
    // Usage is judged on the worst of events and both rollups but records events − requests.
    expect(judge(TARGETS.usageRecorded, 2, 0)).toEqual({ target: "every request, once", met: false, value: 0 });
  });
});
