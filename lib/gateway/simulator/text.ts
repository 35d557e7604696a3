import { mulberry32 } from "@/lib/prng";
// Deterministic text, tokens and embeddings shared by every simulated provider.
// One tokenizer approximation counts both prompts and completions, so the usage the
// simulator reports is exactly reproducible from the request and the streamed text.

// A token is one CJK character, one run of other letters/digits/marks, or one other symbol.
const CJK = String.raw`\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}`;
// Real tokenizers split long words: a run costs one token per started 6 code points.
const RUN_LENGTH = 6;
// A run is matched in slices of whole tokens: an unbounded `+` overflows the regexp stack on a
// word of megabytes, and slices of a multiple of RUN_LENGTH cost exactly what the whole run does.
const RUN_SLICE = RUN_LENGTH * 100;
const TOKEN_RE = new RegExp(String.raw`[${CJK}]|[[\p{L}\p{N}\p{M}_]--[${CJK}]]{1,${RUN_SLICE}}|[^\s]`, "gv");

function tokenCost(match: string): number {
  if (match.length <= RUN_LENGTH) return 1;
  let codePoints = 0;
  for (let i = 0; i < match.length; i++) {
    const c = match.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) codePoints++; // skip low surrogates: count code points
  }
  return Math.ceil(codePoints / RUN_LENGTH);
}

/** The simulator's token count for `text`: words (one per started 6 characters), CJK characters and symbols. */
export function countTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(TOKEN_RE)) n += tokenCost(m[0]);
  return n;
}

/**
 * Splits text into one-token pieces (leading whitespace kept; long words cut every 6 code
 * points, as a real model can stop mid-word). Any prefix of the pieces re-tokenizes to
 * exactly as many tokens as pieces, so cutting or streaming here keeps counts exact.
 */
function pieces(text: string): string[] {
  const out: string[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN_RE)) {
    const lead = text.slice(last, m.index);
    last = m.index + m[0].length;
    if (tokenCost(m[0]) === 1) {
      out.push(lead + m[0]);
      continue;
    }
    const cps = [...m[0]];
    for (let i = 0; i < cps.length; i += RUN_LENGTH) {
      out.push((i === 0 ? lead : "") + cps.slice(i, i + RUN_LENGTH).join(""));
    }
  }
  return out;
}

const FILLER = [
  "No provider was called and no tokens were billed.",
  "The text is deterministic, so the same prompt always gets the same answer.",
  "Token counts are exact for this simulator's tokenizer.",
  "Use a live key to reach the real provider.",
  "Streaming responses arrive in several chunks, like the real API.",
  "Usage is recorded against the test key, per model and per day.",
  "Rate limits and budgets apply to test keys as they do to live keys.",
  "This answer has the same wire format as the provider's own.",
];

/** FNV-1a: a stable 32-bit seed from text, so the same prompt always gets the same answer. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const ECHO_WORDS = 8;
// The quote is cut to this many code points, so one huge word cannot make a huge answer.
const ECHO_CHARS = 120;

/** The prompt's first words, as quoted by the answer: at most ECHO_WORDS words and ECHO_CHARS code points. */
function echoOf(prompt: string): string {
  const start = prompt.trimStart();
  const words: string[] = [];
  for (const m of start.slice(0, ECHO_CHARS * 8).matchAll(/\S+/g)) {
    words.push(m[0]);
    if (words.length > ECHO_WORDS) break;
  }
  let echo = words.slice(0, ECHO_WORDS).join(" ");
  let cut = words.length > ECHO_WORDS || /\S/.test(start.slice(ECHO_CHARS * 8));
  const cps = [...echo.slice(0, ECHO_CHARS * 2 + 1)];
  if (cps.length > ECHO_CHARS) {
    echo = cps.slice(0, ECHO_CHARS).join("");
    cut = true;
  }
  return echo + (cut ? "…" : "");
}

/** The untruncated answer to a prompt: a fixed opening that quotes it, then filler chosen by the prompt. */
export function naturalText(prompt: string): string {
  const echo = echoOf(prompt);
  const opening = echo ? `This is a simulated response from NeuronEdge to: "${echo}".` : "This is a simulated response from NeuronEdge.";
  // Three distinct sentences: long enough to stream in several chunks, short enough to be cheap.
  const seed = hash32(prompt);
  const sentences = [0, 1, 2].map((k) => FILLER[(seed + k * 3) % FILLER.length]);
  return [opening, ...sentences].join(" ");
}

export interface Completion {
  text: string;
  tokens: number;
  /** "length" when maxTokens cut the answer short. */
  finish: "stop" | "length";
}

/** The deterministic completion for a prompt, cut to exactly maxTokens tokens when it is longer. */
export function complete(prompt: string, maxTokens?: number): Completion {
  const full = naturalText(prompt);
  const fullTokens = countTokens(full);
  if (maxTokens === undefined || fullTokens <= maxTokens) {
    return { text: full, tokens: fullTokens, finish: "stop" };
  }
  const text = pieces(full).slice(0, maxTokens).join("");
  return { text, tokens: countTokens(text), finish: "length" };
}

/** Splits text into at most `n` non-empty consecutive deltas at token boundaries; they join back to `text`. */
export function splitDeltas(text: string, n: number): string[] {
  const parts = pieces(text);
  const tail = text.slice(parts.join("").length); // trailing whitespace, if any
  if (tail) parts.push(tail);
  const count = Math.max(1, Math.min(Math.floor(n) || 1, parts.length));
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const from = Math.floor((i * parts.length) / count);
    const to = Math.floor(((i + 1) * parts.length) / count);
    out.push(parts.slice(from, to).join(""));
  }
  return out.filter(Boolean);
}

/** A deterministic unit-length vector for text, with float32-exact values (so base64 and JSON agree). */
export function embed(text: string, dimensions: number): number[] {
  const rand = mulberry32(hash32(text));
  const v = Array.from({ length: dimensions }, () => rand() * 2 - 1);
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => Math.fround(x / norm));
}

/** Float32 little-endian bytes as base64: what OpenAI returns for encoding_format "base64". */
export function float32Base64(values: number[]): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  for (const [i, x] of values.entries()) view.setFloat32(i * 4, x, true);
  const bytes = new Uint8Array(view.buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Every piece of text in a message-ish value: strings, `text` fields, and nested
 * `content`/`parts` (tool results, Gemini parts). Used to count prompt tokens.
 */
export function collectText(value: unknown, out: string[] = [], depth = 0): string[] {
  // Bounded by construction: content nested deeper than any real message is not text.
  if (depth > COLLECT_DEPTH) return out;
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectText(v, out, depth + 1);
  else if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.text === "string") out.push(o.text);
    if (o.content !== undefined) collectText(o.content, out, depth + 1);
    if (o.parts !== undefined) collectText(o.parts, out, depth + 1);
  }
  return out;
}

const COLLECT_DEPTH = 64;

/** Prompt tokens for a list of texts; joining with newlines keeps the count equal to the sum. */
export function countAll(texts: string[]): number {
  return texts.reduce((n, t) => n + countTokens(t), 0);
}
