import { describe, expect, it } from "vitest";
import { formatUsdUnits, usdUnits } from "./money";

describe("exact USD amounts in numeric(·, 10) units", () => {
  it("reads a number's decimal text, exponents included", () => {
    expect(usdUnits(0.0005)).toBe(5_000_000n);
    expect(usdUnits(123.456)).toBe(1_234_560_000_000n);
    expect(usdUnits(1.5e-7)).toBe(1_500n);
    expect(usdUnits(2e-10)).toBe(2n);
    expect(usdUnits(1e21)).toBe(10n ** 31n);
    expect(usdUnits(0)).toBe(0n);
    expect(usdUnits(-0.25)).toBe(-2_500_000_000n);
  });

  it("rounds past ten places half away from zero, as Postgres does", () => {
    expect(usdUnits(0.00000000005)).toBe(1n); // 5e-11
    expect(usdUnits(0.000000000049)).toBe(0n);
    expect(usdUnits(0.12345678905)).toBe(1_234_567_891n);
    expect(usdUnits(0.12345678904999)).toBe(1_234_567_890n);
    expect(usdUnits(-5e-11)).toBe(-1n);
    expect(usdUnits(0.1 + 0.2)).toBe(3_000_000_000n); // 0.30000000000000004
  });

  it("formats units as numeric text, and refuses what is not an amount", () => {
    expect(formatUsdUnits(12_345n)).toBe("0.0000012345");
    expect(formatUsdUnits(1_234_560_000_000n)).toBe("123.4560000000");
    expect(formatUsdUnits(0n)).toBe("0.0000000000");
    expect(formatUsdUnits(-1n)).toBe("-0.0000000001");
    expect(() => usdUnits(Number.NaN)).toThrow(/finite/);
    expect(() => usdUnits(Number.POSITIVE_INFINITY)).toThrow(/finite/);
  });
});
