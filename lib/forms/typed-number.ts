// Reading a number the way people type it into a form: surrounding spaces, thousands separators
// ("1,000,000", "1 000 000", "10,00,000"), exponents ("1e6"), a leading "$" for amounts.
// Pure and locale-free, so the same text means the same number in every browser and in tests.

export type NumberProblem = "format" | "fraction" | "negative" | "zero" | "min" | "max";

export type TypedNumber =
  | { ok: true; value: number | null /** The text differs from how the number is usually written. */; reinterpreted: boolean }
  | { ok: false; problem: NumberProblem };

// Any of these between groups of digits: comma, underscore, space, no-break and thin spaces.
const SEP = "[,_ \\u00a0\\u202f\\u2009]";
const GROUPED = new RegExp(`^\\d{1,3}(?:${SEP}\\d{3})*$`);
// Indian grouping: 10,00,000.
const LAKH = /^\d{1,2}(?:,\d{2})*,\d{3}$/;
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * The number a text denotes, or null for an empty text; `undefined` when it is not a number.
 * Commas are read only as thousands separators in whole groups, so "1,5" (a decimal comma in
 * much of the world) is refused rather than read as 15.
 */
function readNumber(text: string, allowDollar: boolean): { value: number; negative: boolean } | undefined {
  let t = text;
  let negative = false;
  const sign = () => {
    if (/^[-\u2212]/.test(t)) {
      negative = !negative;
      t = t.slice(1).trimStart();
    } else if (t.startsWith("+")) {
      t = t.slice(1).trimStart();
    }
  };
  sign();
  if (allowDollar && t.startsWith("$")) {
    t = t.slice(1).trimStart();
    if (!negative) sign(); // "$-5" as well as "-$5"
  }
  const [whole, ...rest] = t.split(".");
  if (rest.length <= 1 && (GROUPED.test(whole) || LAKH.test(whole)) && /\D/.test(whole)) {
    t = whole.replace(/\D/g, "") + (rest.length ? `.${rest[0]}` : "");
  }
  if (!DECIMAL.test(t)) return undefined;
  return { value: Number(t), negative };
}

/** The usual spelling of a number: no separators, no exponent, no trailing zeros. */
const plain = (n: number) => (Number.isInteger(n) && Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n));

/** A whole number from `min` to `max`; empty is "none" (null). */
export function parseWholeNumber(raw: string, { min, max }: { min: number; max: number }): TypedNumber {
  const text = raw.trim();
  if (text === "") return { ok: true, value: null, reinterpreted: false };
  const read = readNumber(text, false);
  if (!read) return { ok: false, problem: "format" };
  const { value, negative } = read;
  if (negative && value !== 0) return { ok: false, problem: "negative" };
  if (value > max) return { ok: false, problem: "max" };
  if (!Number.isInteger(value)) return { ok: false, problem: "fraction" };
  if (value < min) return { ok: false, problem: value === 0 ? "zero" : "negative" };
  return { ok: true, value, reinterpreted: text.replace(/[\s,_]/g, "") !== plain(value) };
}

/** A dollar amount more than 0 and at most `max`; empty is "none" (null). */
export function parseDollars(raw: string, { min = 0, max }: { min?: number; max: number }): TypedNumber {
  const text = raw.trim();
  if (text === "") return { ok: true, value: null, reinterpreted: false };
  const read = readNumber(text, true);
  if (!read) return { ok: false, problem: "format" };
  const { value, negative } = read;
  if (negative && value !== 0) return { ok: false, problem: "negative" };
  if (value === 0) return { ok: false, problem: "zero" };
  if (value < min) return { ok: false, problem: "min" };
  if (value > max) return { ok: false, problem: "max" };
  // Only an exponent changes how an amount reads; "25.50" and "$25" say what they mean.
  return { ok: true, value, reinterpreted: /e/i.test(text) };
}
