import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Options } from "./options";
import { formatTable, reportRows } from "./report";

// The published run: written by the bench from its results, so printing them again must give its table.
const published = JSON.parse(readFileSync(new URL("./results.json", import.meta.url), "utf8"));
const options = { ...published.options, phases: new Set(published.options.phases) } as Options;

describe("the bench's report", () => {
  it("prints the published table and targets from the published results", () => {
    const { rows, targets } = reportRows(published.results, options, published.errors.length);
    expect(formatTable(rows)).toBe(published.table);
    expect(targets).toEqual(published.targets);
  });

  it("says no beside a missed target, and only the errors row when nothing was measured", () => {
    const slow = structuredClone(published.results);
    slow.latency.gateway.p50Ms = slow.latency.direct.p50Ms + 0.75;
    const added = reportRows(slow, options, 0).rows.find((r) => r.measurement.startsWith("Added latency"));
    expect(added).toMatchObject({ figure: "0.750 ms", target: "< 0.5 ms", met: "no" });

    const { rows, targets } = reportRows({}, options, 2);
    expect(rows).toEqual([
      { measurement: "Errors (failed requests, non-2xx, dead children)", figure: "2", ratio: "", target: "0", met: "no" },
    ]);
    expect(targets).toEqual([{ name: rows[0].measurement, value: 2, target: "0", met: false }]);
  });
});
