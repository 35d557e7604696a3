import { generateKey } from "@/lib/keys/format";
import { mulberry32 } from "@/lib/prng";
import { PROVIDER_KEY_MARKER } from "./secret-scan";

// A small seeded generator of hostile input for the fuzz tests (lib/fuzz*.security.db.test.ts):
// the same seed gives the same cases on every machine, so a failure names a case that replays.

/** Seeded cases (lib/prng.ts): fast, and good enough to spread them. */
export class Rng {
  /** A float in [0, 1). */
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Pieces that break naive parsers: controls, NUL, BOM, RTL, combining marks, emoji, lone surrogates. */
const ODD = [
  "\0",
  "\u0001",
  "\t",
  "\n",
  "\r\n",
  "\u007f",
  "\u0085",
  "\u00a0",
  "\ufeff",
  "\u202e",
  "\u0301",
  "😀",
  "\ud800",
  "\udfff",
  "\u2028",
  "ÿ",
  "中文",
  "'",
  '"',
  "\\",
  "<script>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal "${x}", as a template-injection probe
  "${x}",
  "../",
  "%",
];
const PERCENT = ["%00", "%ff", "%FF%FE", "%E2%82", "%zz", "%", "%2", "%25", "%2F", "%C0%AF", "%F0%9F%98%80", "%u0041"];
const HUGE = [
  "1e309",
  "-1e309",
  "9007199254740993",
  "-0",
  "1e-400",
  "99999999999999999999999",
  "NaN",
  "Infinity",
  "0x10",
  "1_000",
  "08",
  ".5",
  "5.",
];

/** A string of mixed pieces: ASCII, unicode, controls, percent-encodings, huge numbers. */
export function randomString(rng: Rng, maxPieces = 8): string {
  let out = "";
  for (let n = rng.int(maxPieces + 1); n > 0; n--) {
    const kind = rng.int(6);
    if (kind === 0) out += rng.pick(ODD);
    else if (kind === 1) out += rng.pick(PERCENT);
    else if (kind === 2) out += rng.pick(HUGE);
    else if (kind === 3) out += String.fromCharCode(rng.int(0x10000));
    else out += Array.from({ length: 1 + rng.int(12) }, () => BASE62[rng.int(62)]).join("");
  }
  return out;
}

/** A date-like string, some valid, most not: year 0, 9999, +010000, offsets, junk. */
export function randomDate(rng: Rng): string {
  const year = rng.pick(["0000", "0001", "1969", "1999", "2000", "2026", "2999", "3000", "9999", "+010000", "-000001", "275760", "20261"]);
  const month = rng.pick(["01", "02", "12", "13", "00", "1"]);
  const day = rng.pick(["01", "29", "31", "32", "00"]);
  const date = `${year}-${month}-${day}`;
  const time = rng.pick([
    "",
    "T00:00:00Z",
    "T23:59:59.999Z",
    "T24:00:00Z",
    "T12:00:00+14:00",
    "T12:00:00-12:00",
    "T12:00:00-23:59",
    "T1:2:3",
  ]);
  return rng.chance(0.1) ? randomString(rng, 3) : date + time;
}

/** Any JSON value, nested up to `depth`, of every type, including ones no field expects. */
export function randomJson(rng: Rng, depth = 3): unknown {
  const kind = rng.int(depth > 0 ? 9 : 6);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, Number.MIN_VALUE, 60, 86_400, 1e12]);
    case 3:
    case 4:
      return randomString(rng);
    case 5:
      return randomDate(rng);
    case 6:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth - 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let n = rng.int(5); n > 0; n--) out[rng.chance(0.3) ? randomString(rng, 2) : rng.pick(FIELD_NAMES)] = randomJson(rng, depth - 1);
      return out;
    }
  }
}

/** Field names the management API reads, and a few it must refuse or ignore. */
export const FIELD_NAMES = [
  "name",
  "environment",
  "permissions",
  "expires_at",
  "limits",
  "requests_per_minute",
  "tokens_per_minute",
  "monthly_budget_usd",
  "allowed_providers",
  "allowed_models",
  "grace_seconds",
  "__proto__",
  "constructor",
  "prototype",
];

/** JSON text nested `depth` levels: `[[[…]]]` or `{"a":{"a":…}}`, closed or not. */
export function deepJson(depth: number, shape: "array" | "object" = "array", closed = true): string {
  const [open, close] = shape === "array" ? ["[", "]"] : ['{"a":', "}"];
  return open.repeat(depth) + (shape === "array" ? "" : "1") + (closed ? close.repeat(depth) : "");
}

/** A request body: mostly JSON of the right outer shape, sometimes junk, truncated or deep. */
export function randomBody(rng: Rng, fields?: () => Record<string, unknown>): string {
  const kind = rng.int(10);
  if (kind === 0) return randomString(rng);
  if (kind === 1) return deepJson(10 + rng.int(6000), rng.chance(0.5) ? "array" : "object", rng.chance(0.8));
  if (kind === 2) return JSON.stringify(randomJson(rng, 4)).slice(0, rng.int(40));
  if (kind === 3) return JSON.stringify(randomJson(rng, 4));
  return JSON.stringify(fields ? { ...(randomJson(rng, 0) as object), ...fields() } : randomJson(rng, 3));
}

/** A real key's text with one thing wrong: a flipped, dropped or added character, a case change, padding. */
export function nearKey(rng: Rng, key = generateKey(rng.chance(0.5) ? "live" : "test").key): string {
  const at = rng.int(key.length);
  const other = BASE62[(BASE62.indexOf(key[at]) + 1 + rng.int(61)) % 62] ?? "x";
  switch (rng.int(8)) {
    case 0:
      return key.slice(0, at) + other + key.slice(at + 1);
    case 1:
      return key.slice(0, at) + key.slice(at + 1);
    case 2:
      return key.slice(0, at) + other + key.slice(at);
    case 3:
      return key.toUpperCase();
    case 4:
      return ` ${key}${rng.pick(["", " ", "\t", "\n", "\u00a0"])}`;
    case 5:
      return key.replace(/^ne_(live|test)_/, rng.pick(["ne_prod_", "NE_LIVE_", "ne-live-", "ne_live", "ne__", ""]));
    case 6:
      return key + rng.pick(BASE62.split("")).repeat(1 + rng.int(300));
    default:
      return key.slice(0, at) + rng.pick(ODD) + key.slice(at + 1);
  }
}

/** A failure's text with keys cut to their public prefix: a case is named, its secrets are not. */
export function redactSecrets(text: string): string {
  return text.replace(/ne_(live|test)_[0-9A-Za-z]{40}/g, (k) => `${k.slice(0, 14)}…`).replaceAll(PROVIDER_KEY_MARKER, "…");
}
