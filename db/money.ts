// Exact sums of USD amounts as Postgres keeps them in numeric(·, 10) columns: whole units of
// 1e-10 USD. A float sum would drift; these match, digit for digit, what Postgres would add up.

const SCALE = 10;

/**
 * An amount in units of 1e-10 USD, read from the number's shortest decimal text (the text the
 * events table is sent) and rounded half away from zero, as Postgres rounds numeric input.
 */
export function usdUnits(usd: number): bigint {
  if (!Number.isFinite(usd)) throw new Error(`Not a finite USD amount: ${usd}`);
  return decimalUnits(String(usd));
}

/** A decimal's text (a numeric as Postgres prints it, or a number's) in units of 1e-10, rounded as usdUnits. */
export function decimalUnits(text: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(text);
  if (!m) throw new Error(`Not a decimal amount: ${text.slice(0, 40)}`);
  const [, sign, whole, fraction = "", exponent = "0"] = m;
  const digits = BigInt(whole + fraction);
  const shift = Number(exponent) - fraction.length + SCALE;
  let units: bigint;
  if (shift >= 0) units = digits * 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    units = digits / divisor;
    if ((digits % divisor) * 2n >= divisor) units += 1n;
  }
  return sign ? -units : units;
}

/** Units of 1e-10 USD as numeric text, e.g. 12345n → "0.0000012345". */
export function formatUsdUnits(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(SCALE + 1, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`;
}
