import { formatWithOptions, inspect } from "node:util";
import { parseKey } from "../lib/keys/format";

// What must never appear in a log line or a database row (api_keys.key_hash aside): a full
// gateway key, a provider key, a bcrypt hash. Vitest (testing/setup.ts, testing/db.ts) and
// Playwright (e2e/secret-scan-reporter.ts) scan with these, rows through testing/secret-scan-db.ts;
// relative imports keep it loadable by both.

export type SecretKind = "gateway key" | "provider key" | "bcrypt hash";

export interface Finding {
  kind: SecretKind;
  /** Enough to recognise the secret (what the key list shows), never the secret itself. */
  redacted: string;
  /** Where it was seen: console.error, process.stdout, a table's row, a log file's line. */
  where: string;
  /** The stack of the code that wrote it, for output caught as it was written. */
  stack?: string;
}

/** Every provider key the tests send contains this, so one string finds them all. */
export const PROVIDER_KEY_MARKER = "test-provider-secret";

// A gateway key is `ne_<env>_` and 40 base62 characters; `_` cannot occur inside one, so no key
// hides inside a longer match, and only a valid checksum counts (a typo or a lookalike is no key).
const GATEWAY_KEY = /ne_(?:live|test)_[0-9A-Za-z]{40}/g;
const PROVIDER_KEYS = [
  new RegExp(`[0-9A-Za-z_-]*${PROVIDER_KEY_MARKER}[0-9A-Za-z_-]*`, "g"),
  // OpenAI's sk-… and sk-proj-…, Anthropic's sk-ant-…: real ones run to 40 characters and more.
  /(?<![0-9A-Za-z_-])sk-[0-9A-Za-z_-]{32,}/g,
  // Google's API keys.
  /(?<![0-9A-Za-z_-])AIza[0-9A-Za-z_-]{35}/g,
];
const BCRYPT_HASH = /\$2[aby]\$\d\d\$[./0-9A-Za-z]{53}/g;
/** One text never yields more findings than this: a leak in a loop must not flood the report. */
const MAX_PER_TEXT = 20;

function redact(kind: SecretKind, secret: string): string {
  // A gateway key's first 14 characters are its public prefix; the others' first few say what they are.
  const shown = kind === "gateway key" ? 14 : kind === "bcrypt hash" ? 7 : 6;
  return `${secret.slice(0, shown)}… (${secret.length} characters)`;
}

/** The secrets in `text`, redacted; `where` says where the text came from. */
export function findSecrets(text: string, where: string): Finding[] {
  const found: Finding[] = [];
  const add = (kind: SecretKind, secret: string) => {
    if (found.length < MAX_PER_TEXT) found.push({ kind, redacted: redact(kind, secret), where });
  };
  for (const m of text.matchAll(GATEWAY_KEY)) if (parseKey(m[0])) add("gateway key", m[0]);
  const providerSeen = new Set<number>();
  for (const re of PROVIDER_KEYS) {
    for (const m of text.matchAll(re)) {
      if (providerSeen.has(m.index)) continue; // a marked sk-… key matches twice
      providerSeen.add(m.index);
      add("provider key", m[0]);
    }
  }
  for (const m of text.matchAll(BCRYPT_HASH)) add("bcrypt hash", m[0]);
  return found;
}

/** Findings as a failure message: what leaked, where, and who wrote it. */
export function describeFindings(findings: Finding[], context: string): string {
  const lines = findings.map((f) => {
    const stack = f.stack ? `\n      ${f.stack.split("\n").slice(0, 8).join("\n      ")}` : "";
    return `  - a ${f.kind} (${f.redacted}) in ${f.where}${stack}`;
  });
  return `Secret scan: ${findings.length} secret(s) ${context}:\n${lines.join("\n")}`;
}

// ---- Output capture: what the code under test writes, inside the test worker ----

const WRAPPED = Symbol.for("neuronedge.secret-scan.wrapped");
const STATE = Symbol.for("neuronedge.secret-scan.state");
/** Longer than any secret above: one split across two writes is still seen whole. */
const TAIL = 512;
const MAX_FINDINGS = 50;

interface CaptureState {
  findings: Finding[];
  muted: number;
  tails: Map<string, string>;
}

type Holder = { [STATE]?: CaptureState };

function state(): CaptureState {
  const g = globalThis as Holder;
  return (g[STATE] ??= { findings: [], muted: 0, tails: new Map() });
}

function note(text: string, where: string): void {
  const s = state();
  const tail = s.tails.get(where) ?? "";
  const seen = new Set(findSecrets(tail, where).map((f) => f.redacted));
  const joined = tail + text;
  s.tails.set(where, joined.slice(-TAIL));
  for (const f of findSecrets(joined, where)) {
    if (seen.has(f.redacted) || s.findings.length >= MAX_FINDINGS) continue;
    // The first frames are this file's wrappers: drop them, keep the writer's.
    const stack = (new Error().stack ?? "")
      .split("\n")
      .slice(1)
      .filter((l) => !l.includes("secret-scan.ts"));
    s.findings.push({ ...f, stack: stack.map((l) => l.trim()).join("\n") });
  }
}

/** Output the test itself hands in (a child process's output, say), scanned like the rest. */
export function scanOutput(text: string, where: string): void {
  note(text, where);
}

/** Findings from elsewhere (the database scan), reported with the output's after the file. */
export function addFindings(findings: Finding[]): void {
  const s = state();
  s.findings.push(...findings.slice(0, Math.max(0, MAX_FINDINGS - s.findings.length)));
}

type Fn = ((...args: never[]) => unknown) & { [WRAPPED]?: true };

function wrapConsole(method: "log" | "info" | "warn" | "error" | "debug" | "trace" | "dir"): void {
  const original = console[method] as Fn;
  if (original[WRAPPED]) return;
  const wrapped = function (this: unknown, ...args: unknown[]) {
    const text = method === "dir" ? inspect(args[0], args[1] as object) : formatWithOptions({}, ...args);
    note(text, `console.${method}`);
    if (state().muted === 0) return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as Fn;
  wrapped[WRAPPED] = true;
  console[method] = wrapped as never;
}

function wrapStream(name: "stdout" | "stderr"): void {
  const stream = process[name];
  const original = stream.write as Fn;
  if (original[WRAPPED]) return;
  const wrapped = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
    const text = typeof chunk === "string" ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString("utf8") : String(chunk);
    note(text, `process.${name}`);
    if (state().muted === 0) return (original as (...a: unknown[]) => unknown).call(this, chunk, ...rest);
    const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    if (callback) queueMicrotask(callback);
    return true;
  } as Fn;
  wrapped[WRAPPED] = true;
  stream.write = wrapped as never;
}

/**
 * Wraps console.* and process.stdout/stderr.write in this worker (once, whatever the isolation)
 * and starts a fresh list of findings. Vitest's reporter runs in another process: only what
 * code in this worker writes is seen.
 */
export function captureOutput(): void {
  for (const m of ["log", "info", "warn", "error", "debug", "trace", "dir"] as const) wrapConsole(m);
  wrapStream("stdout");
  wrapStream("stderr");
  const s = state();
  s.findings = [];
  s.tails.clear();
}

/** The findings so far, which are then forgotten. */
export function takeOutputFindings(): Finding[] {
  const s = state();
  const out = s.findings;
  s.findings = [];
  s.tails.clear();
  return out;
}

/** Runs fn with output scanned but not printed (for the scan's own tests, which write secrets). */
export async function muted<T>(fn: () => T | Promise<T>): Promise<T> {
  const s = state();
  s.muted++;
  try {
    return await fn();
  } finally {
    s.muted--;
  }
}
