import { describe, expect, it } from "vitest";
import { parseDollars, parseWholeNumber } from "./typed-number";

// Numbers as people type them into the key forms' limit fields.

const WHOLE = { min: 1, max: 1_000_000 };

describe("a whole number as typed", () => {
  it.each([
    ["", null, false],
    ["   ", null, false],
    ["60", 60, false],
    [" 60 ", 60, false],
    ["1,000", 1000, false],
    ["1,000,000", 1_000_000, false],
    ["1 000 000", 1_000_000, false],
    ["1\u00a0000", 1000, false],
    ["1\u202f000", 1000, false],
    ["2_000", 2000, false],
    ["10,00,000", 1_000_000, false],
    ["1e6", 1_000_000, true],
    ["1E6", 1_000_000, true],
    ["1e+6", 1_000_000, true],
    ["2.5e3", 2500, true],
    ["1000e-3", 1, true],
    ["1.0", 1, true],
    ["007", 7, true],
    ["+5", 5, true],
  ])("%j is %j", (typed, value, reinterpreted) => {
    expect(parseWholeNumber(typed, WHOLE)).toEqual({ ok: true, value, reinterpreted });
  });

  it.each([
    ["lots", "format"],
    ["12abc", "format"],
    ["1,5", "format"], // a decimal comma, not fifteen
    ["1,0000", "format"],
    ["1,,000", "format"],
    ["0x10", "format"],
    ["Infinity", "format"],
    ["$5", "format"],
    ["1.5", "fraction"],
    ["1e-3", "fraction"],
    ["1,000.5", "fraction"],
    ["-5", "negative"],
    ["\u22125", "negative"],
    ["-1e6", "negative"],
    ["0", "zero"],
    ["-0", "zero"],
    ["0.0", "zero"],
    ["1,000,001", "max"],
    ["2e6", "max"],
    ["1e400", "max"],
  ])("%j is refused: %s", (typed, problem) => {
    expect(parseWholeNumber(typed, WHOLE)).toEqual({ ok: false, problem });
  });

  it("accepts the bounds themselves", () => {
    expect(parseWholeNumber("1", WHOLE)).toMatchObject({ ok: true, value: 1 });
    expect(parseWholeNumber("1000000", WHOLE)).toMatchObject({ ok: true, value: 1_000_000 });
  });
});

describe("a dollar amount as typed", () => {
  const MAX = { max: 10_000_000 };
  it.each([
    ["", null, false],
    ["25", 25, false],
    ["$25", 25, false],
    [" $ 25 ", 25, false],
    ["12.50", 12.5, false],
    ["$1,250.75", 1250.75, false],
    [".5", 0.5, false],
    ["0.001", 0.001, false],
    ["$10,000,000", 10_000_000, false],
    ["1e3", 1000, true],
  ])("%j is %j", (typed, value, reinterpreted) => {
    expect(parseDollars(typed, MAX)).toEqual({ ok: true, value, reinterpreted });
  });

  it.each([
    ["twenty", "format"],
    ["12,50", "format"], // a decimal comma: refused, the message shows "12.50"
    ["25$", "format"],
    ["$", "format"],
    ["1.2.3", "format"],
    ["-5", "negative"],
    ["-$5", "negative"],
    ["$-5", "negative"],
    ["0", "zero"],
    ["$0.00", "zero"],
    ["10000000.01", "max"],
    ["1e8", "max"],
  ])("%j is refused: %s", (typed, problem) => {
    expect(parseDollars(typed, MAX)).toEqual({ ok: false, problem });
  });
});
