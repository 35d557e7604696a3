// OpenAI-compatible streams report usage only when asked (stream_options.include_usage).
// When the client did not ask, the gateway asks on its behalf, reads the usage-only
// chunk, and removes that chunk (and the `"usage":null` the option adds to every other
// chunk) so the client sees exactly the stream it requested.
import { AppError } from "@/lib/errors";
import { asBuffer, USAGE_OBJECT_OPENAI, usageObjectsIn } from "./meter";

type Obj = Record<string, unknown>;

/** Adds include_usage to a streamed chat request that lacks it; true when it did. */
export function injectStreamUsage(body: Obj): boolean {
  const options = body.stream_options as Obj | undefined | null;
  if (body.stream !== true || (options && options.include_usage === true)) return false;
  body.stream_options = { ...(options ?? {}), include_usage: true };
  return true;
}

/**
 * A parsed body back to bytes. JSON.parse takes any depth but JSON.stringify recurses: a body
 * nested thousands deep is the client's error, not the gateway's crash.
 */
export function serializeBody(body: Obj): Buffer {
  try {
    return Buffer.from(JSON.stringify(body));
  } catch (err) {
    if (err instanceof RangeError) throw new AppError("bad_request", "The request body is nested too deeply.");
    throw err;
  }
}

const STREAM_OPTIONS = Buffer.from('"stream_options"');
const INJECTION = Buffer.from('"stream_options":{"include_usage":true},');

/**
 * The same into the client's own bytes, for a streamed body (parsed or too large to parse): the
 * option goes in right after the opening brace. A body that mentions stream_options anywhere is
 * parsed after all, so a client's own options are merged, never shadowed.
 */
export function injectStreamUsageRaw(body: Buffer): Buffer | null {
  if (body.includes(STREAM_OPTIONS)) {
    let json: Obj;
    try {
      json = JSON.parse(body.toString("utf8")) as Obj;
    } catch {
      return null; // not JSON: the provider will say so
    }
    return json && typeof json === "object" && injectStreamUsage(json) ? serializeBody(json) : null;
  }
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (body[i] !== 0x7b) return null; // not a JSON object
  return Buffer.concat([body.subarray(0, i + 1), INJECTION, body.subarray(i + 1)]);
}

// The usage-only chunk: `choices` is empty and `usage` is set.
const USAGE_ONLY = /^data:\s*\{.*"choices"\s*:\s*\[\s*\].*"usage"\s*:\s*\{/s;
const NL = 0x0a;
const CR = 0x0d;

/** Just past the last event boundary (a blank line: \n\n, \r\n\r\n, …) in buf, or -1. */
function lastBoundaryEnd(buf: Buffer): number {
  let i = buf.lastIndexOf(NL);
  while (i > 0) {
    const j = buf[i - 1] === CR ? i - 2 : i - 1;
    if (j >= 0 && buf[j] === NL) return i + 1;
    i = buf.lastIndexOf(NL, i - 1);
  }
  return -1;
}

/** Where the event holding position `at` starts: just past the blank line before it, or 0. */
function eventStart(buf: Buffer, at: number): number {
  let i = buf.lastIndexOf(NL, at);
  while (i > 0) {
    const j = buf[i - 1] === CR ? i - 2 : i - 1;
    if (j >= 0 && buf[j] === NL) return i + 1;
    i = buf.lastIndexOf(NL, i - 1);
  }
  return 0;
}

/** Where the event holding position `at` ends: just past the blank line after it, or the end. */
function eventEnd(buf: Buffer, at: number): number {
  let i = buf.indexOf(NL, at);
  while (i !== -1) {
    if (buf[i + 1] === NL) return i + 2;
    if (buf[i + 1] === CR && buf[i + 2] === NL) return i + 3;
    i = buf.indexOf(NL, i + 1);
  }
  return buf.length;
}

/**
 * Complete events in `buf`, without the usage-only chunk. Only events that hold a usage object
 * are decoded and tested; the rest of the bytes are passed on as they are.
 */
function dropUsageOnly(buf: Buffer): Buffer {
  const kept: Buffer[] = [];
  let decided = 0; // bytes before this are kept (in `kept`) or dropped
  let seen = 0; // events before this were tested already
  for (const at of usageObjectsIn(buf, USAGE_OBJECT_OPENAI, 0, buf.length)) {
    if (at < seen) continue;
    const start = eventStart(buf, at);
    const end = eventEnd(buf, at);
    if (USAGE_ONLY.test(buf.toString("utf8", start, end))) {
      kept.push(buf.subarray(decided, start));
      decided = end;
    }
    seen = end;
  }
  if (decided === 0) return buf;
  kept.push(buf.subarray(decided));
  return Buffer.concat(kept);
}

// The member as compact JSON writes it, and as Python's json.dumps does. Only a JSON member
// can match: inside a string, a quote is always escaped.
const USAGE_NULL = [Buffer.from('"usage":null'), Buffer.from('"usage": null')];
const isSpace = (b: number | undefined) => b === 0x20 || b === 0x09 || b === CR;

/**
 * buf without its `"usage":null` members, wherever they stand in their object (OpenAI puts usage
 * last, other servers first); the same buffer when it has none. Byte searches and one copy: a
 * regex replace cost three times as much on a 4,000-chunk stream.
 */
function withoutUsageNull(buf: Buffer): Buffer {
  // A provider writes its JSON one way: look for the other form only when the first is absent.
  let needle = USAGE_NULL[0];
  let at = buf.indexOf(needle);
  if (at === -1) at = buf.indexOf((needle = USAGE_NULL[1]));
  const cuts: number[] = []; // [from, to) pairs, in order
  for (; at !== -1; at = buf.indexOf(needle, at + needle.length)) {
    const end = at + needle.length;
    let next = end;
    while (isSpace(buf[next])) next++;
    // `null` must be the whole value: the object ends or the next member follows.
    if (buf[next] !== 0x7d && buf[next] !== 0x2c) continue;
    let prev = at - 1;
    while (isSpace(buf[prev])) prev--;
    if (buf[prev] === 0x2c) {
      cuts.push(prev, end); // `,"usage":null`
    } else if (buf[prev] === 0x7b) {
      // `{"usage":null,` loses its comma and the space after it; `{"usage":null}` becomes `{}`.
      if (buf[next] === 0x2c) for (next++; isSpace(buf[next]); ) next++;
      else next = end;
      cuts.push(at, next);
    }
  }
  if (cuts.length === 0) return buf;
  let removed = 0;
  for (let i = 0; i < cuts.length; i += 2) removed += cuts[i + 1] - cuts[i];
  const out = Buffer.allocUnsafe(buf.length - removed);
  let from = 0;
  let to = 0;
  for (let i = 0; i < cuts.length; i += 2) {
    out.set(buf.subarray(from, cuts[i]), to);
    to += cuts[i] - from;
    from = cuts[i + 1];
  }
  out.set(buf.subarray(from), to);
  return out;
}

/** A synchronous step on a streamed body: bytes in, the bytes to pass on (or nothing yet) out. */
export interface ChunkFilter {
  push(chunk: Uint8Array): Buffer | null;
  /** What is left when the body ends. */
  end(): Buffer | null;
}

/**
 * Passes SSE events through as each completes, except the usage-only chunk and the
 * `"usage":null` members. Other bytes are passed on untouched, and only an event holding a
 * usage object is ever decoded, so a long stream is neither decoded nor re-encoded, even when
 * it arrives in one piece. Synchronous: as a generator of its own it cost a layer of promises
 * per chunk.
 */
export function usageChunkFilter(): ChunkFilter {
  let pending: Buffer | null = null;
  return {
    push(chunk) {
      const buf: Buffer = pending ? Buffer.concat([pending, chunk]) : asBuffer(chunk);
      const end = lastBoundaryEnd(buf);
      if (end === -1) {
        pending = buf;
        return null;
      }
      pending = end < buf.length ? buf.subarray(end) : null;
      const out = withoutUsageNull(dropUsageOnly(end < buf.length ? buf.subarray(0, end) : buf));
      return out.length > 0 ? out : null;
    },
    end() {
      const rest = pending;
      pending = null;
      return rest && !USAGE_ONLY.test(rest.toString("utf8")) ? withoutUsageNull(rest) : null;
    },
  };
}
