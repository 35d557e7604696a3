import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { monthPartition, monthsToKeepReady } from "./partitions";

describe("monthly partitions", () => {
  it("are UTC months, named by year and month, across a year's end", () => {
    // 23:30 on the 31st in UTC-5 is already January in UTC.
    const ready = monthsToKeepReady(new Date("2026-12-31T23:30:00-05:00"), 2);
    expect(ready.map((m) => [m.name, m.from.toISOString(), m.to.toISOString()])).toEqual([
      ["usage_events_2027_01", "2027-01-01T00:00:00.000Z", "2027-02-01T00:00:00.000Z"],
      ["usage_events_2027_02", "2027-02-01T00:00:00.000Z", "2027-03-01T00:00:00.000Z"],
      ["usage_events_2027_03", "2027-03-01T00:00:00.000Z", "2027-04-01T00:00:00.000Z"],
    ]);
    expect(monthPartition(new Date("2026-03-15T00:00:00Z"), -3).name).toBe("usage_events_2025_12");
  });
});

describe("USAGE_RETENTION_DAYS", () => {
  const days = (v: string | undefined) => parseEnv({ USAGE_RETENTION_DAYS: v }).USAGE_RETENTION_DAYS;
  it("keeps raw events for ever unless set, and takes 0 or at least 8 days", () => {
    expect(days(undefined)).toBe(0);
    expect(days("")).toBe(0);
    expect(days("0")).toBe(0);
    expect(days("8")).toBe(8);
    expect(days("400")).toBe(400);
    for (const bad of ["1", "7", "-1", "2.5", "forever", "36501"]) expect(() => days(bad)).toThrow(/USAGE_RETENTION_DAYS/);
  });
});
