import { describe, expect, it } from "vitest";
import { costColumn, costHeadline, formatUsd } from "./format";

const decimalsOf = (s: string) => s.split(".")[1]?.length ?? 0;

describe("a cost column", () => {
  it("shows every amount with the precision of its smallest non-zero one, so the decimal points line up", () => {
    const values = [0.03, 0.0041, 0.000016, 12.5];
    const { decimals, format } = costColumn(values);
    expect(decimals).toBe(6);
    expect(values.map(format)).toEqual(["$0.030000", "$0.004100", "$0.000016", "$12.500000"]);
  });

  it("takes two significant digits of the smallest amount: 4 decimals for $0.0041", () => {
    const { decimals, format } = costColumn([0.03, 0.0041, 0]);
    expect(decimals).toBe(4);
    expect([0.03, 0.0041, 0].map(format)).toEqual(["$0.0300", "$0.0041", "$0.0000"]);
  });

  it("keeps cents when every amount is a cent or more, with thousands separators", () => {
    const { decimals, format } = costColumn([1234.567, 0.01, 0]);
    expect(decimals).toBe(2);
    expect(format(1234.567)).toBe("$1,234.57");
    expect(format(0.01)).toBe("$0.01");
  });

  it("an empty or all-zero column shows cents", () => {
    expect(costColumn([]).decimals).toBe(2);
    expect(costColumn([0, 0]).format(0)).toBe("$0.00");
  });

  it("caps the precision at 6 decimals; a smaller non-zero amount reads as below it, never as zero", () => {
    const { decimals, format } = costColumn([0.0000001, 0.5]);
    expect(decimals).toBe(6);
    expect(format(0.0000001)).toBe("<$0.000001");
    expect(format(0)).toBe("$0.000000");
  });

  it("a tiny amount below a column's precision reads <$0.0001 rather than $0.0000", () => {
    // A formatter is made for one column; an amount it was not made from may be smaller.
    const { format } = costColumn([0.0041]);
    expect(format(0.00001)).toBe("<$0.0001");
    expect(format(0.00006)).toBe("$0.0001");
  });

  it("the number of decimals is the same for every value of a column", () => {
    const values = [0.123456, 7, 0.00042, 0.0009, 33.1];
    const { format } = costColumn(values);
    expect(new Set(values.map((v) => decimalsOf(format(v)))).size).toBe(1);
  });
});

describe("the existing formats", () => {
  it("formatUsd and costHeadline still read as before", () => {
    expect(formatUsd(0.0041)).toBe("$0.0041");
    expect(formatUsd(0.03)).toBe("$0.03");
    expect(costHeadline({ costUsd: 0, requests: 2, unpricedRequests: 2 })).toBe("Unknown");
  });
});
