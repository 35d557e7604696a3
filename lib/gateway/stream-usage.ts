// OpenAI-compatible streams report usage only when asked (stream_options.include_usage).
// When the client did not ask, the gateway asks on its behalf, reads the usage-only
// chunk, and removes that chunk so the client sees exactly the stream it requested.
import { asBuffer, findUsageObject } from "./meter";

type Obj = Record<string, unknown>;

/** Adds include_usage to a streamed chat request that lacks it; true when it did. */
export function injectStreamUsage(body: Obj): boolean {
  const options = body.stream_options as Obj | undefined | null;
  if (body.stream !== true || (options && options.include_usage === true)) return false;
  body.stream_options = { ...(options ?? {}), include_usage: true };
  return true;
}

const STREAM_OPTIONS = Buffer.from('"stream_options"');
const INJECTION = Buffer.from('"stream_options":{"include_usage":true},');

/**
 * The same for a body too large to parse on the hot path (the caller scanned `"stream": true`):
 * the option goes in right after the opening brace. A body that mentions stream_options
 * anywhere is parsed after all, so a client's own options are merged, never shadowed.
 */
export function injectStreamUsageRaw(body: Buffer): Buffer | null {
  if (body.includes(STREAM_OPTIONS)) {
    try {
      const json = JSON.parse(body.toString("utf8")) as Obj;
      return injectStreamUsage(json) ? Buffer.from(JSON.stringify(json)) : null;
    } catch {
      return null;
    }
  }
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (body[i] !== 0x7b) return null; // not a JSON object
  return Buffer.concat([body.subarray(0, i + 1), INJECTION, body.subarray(i + 1)]);
}

// The usage-only chunk: `choices` is empty and `usage` is set.
const USAGE_ONLY = /^data:\s*\{.*"choices"\s*:\s*\[\s*\].*"usage"\s*:\s*\{/s;
const BOUNDARY = /\r?\n\r?\n/g;
const USAGE_KEY = Buffer.from('"usage"');

/** Just past the last event boundary (a blank line: \n\n, \r\n\r\n, …) in buf, or -1. */
function lastBoundaryEnd(buf: Buffer): number {
  let i = buf.lastIndexOf(0x0a);
  while (i > 0) {
    const j = buf[i - 1] === 0x0d ? i - 2 : i - 1;
    if (j >= 0 && buf[j] === 0x0a) return i + 1;
    i = buf.lastIndexOf(0x0a, i - 1);
  }
  return -1;
}

/** The complete events in `text`, except the usage-only chunk. */
function dropUsageOnly(text: string): string {
  let out = "";
  let start = 0;
  BOUNDARY.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = BOUNDARY.exec(text))) {
    const end = m.index + m[0].length;
    const event = text.slice(start, end);
    if (!USAGE_ONLY.test(event)) out += event;
    start = end;
  }
  return out + text.slice(start);
}

/**
 * Passes SSE events through as each completes, except the usage-only chunk. Bytes are
 * passed on untouched unless they hold a usage object (once per stream), so a long stream
 * is neither decoded nor re-encoded.
 */
export async function* withoutUsageChunk(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let pending: Buffer | null = null;
  for await (const chunk of source) {
    const buf: Buffer = pending ? Buffer.concat([pending, chunk]) : asBuffer(chunk);
    const end = lastBoundaryEnd(buf);
    if (end === -1) {
      pending = buf;
      continue;
    }
    pending = end < buf.length ? buf.subarray(end) : null;
    const complete = end < buf.length ? buf.subarray(0, end) : buf;
    if (findUsageObject(complete, USAGE_KEY, 0, complete.length) === -1) {
      yield complete;
      continue;
    }
    const out = dropUsageOnly(complete.toString("utf8"));
    if (out) yield Buffer.from(out);
  }
  if (pending && !USAGE_ONLY.test(pending.toString("utf8"))) yield pending;
}
