import { FORMATS, type RunningUsage, type WireFormat } from "./formats";
import { obj } from "./formats/types";

// Reads token usage out of a response body as it streams past, never holding the
// stream back: JSON bodies are copied aside and parsed at the end; in SSE bodies only
// the lines that carry a usage object are decoded and parsed.

export interface MeteredUsage {
  model: string | null;
  /** All input tokens, cached ones included. */
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
}

export interface Meter {
  push(chunk: Uint8Array): void;
  finish(): MeteredUsage;
}

const MAX_JSON_COPY = 32 * 1024 * 1024;

// Lines worth parsing (usage objects carry the model too); content deltas, and OpenAI's
// `"usage":null` on every chunk, are skipped without JSON.parse. The same hint is found in the
// bytes first (JSON whitespace but for newlines, which end an SSE line): lines without it are
// never decoded at all.
const usageHint = (key: string) => new RegExp(`"${key}"\\s*:\\s*\\{`);
const usageObject = (key: string) => new RegExp(`"${key}"[ \\t\\r]*:[ \\t\\r]*\\{`, "g");
const patterns = Object.fromEntries(
  Object.entries(FORMATS).map(([format, spec]) => [format, { hint: usageHint(spec.usageKey), object: usageObject(spec.usageKey) }]),
) as Record<WireFormat, { hint: RegExp; object: RegExp }>;

const NL = 0x0a;

/**
 * Every position in buf[from, to) where a usage object starts (`pattern`, a global RegExp, matched
 * on the bytes read as latin1, so string offsets are byte offsets). One scan in the regex engine:
 * OpenAI's `"usage":null` on every chunk made a loop of indexOf calls a visible cost. A key inside a
 * JSON string has its quotes escaped (\"usage\"), so it never matches.
 */
export function usageObjectsIn(buf: Buffer, pattern: RegExp, from: number, to: number): number[] {
  const text = buf.toString("latin1", from, to);
  const found: number[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) found.push(from + m.index);
  return found;
}

export const USAGE_OBJECT_OPENAI = patterns.openai.object;

export const asBuffer = (chunk: Uint8Array): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

function emptyUsage(model: string | null): MeteredUsage {
  return { model, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 };
}

export function createMeter(format: WireFormat, streamed: boolean, requestModel: string | null): Meter {
  const { absorb } = FORMATS[format];
  const usage: RunningUsage = emptyUsage(null);
  const finish = (): MeteredUsage => ({
    model: usage.model ?? requestModel,
    inputTokens: usage.inputTokens,
    cachedInputTokens: usage.cachedInputTokens,
    outputTokens: usage.outputTokens,
  });

  if (!streamed) {
    const chunks: Uint8Array[] = [];
    let size = 0;
    return {
      push(chunk) {
        size += chunk.byteLength;
        if (size <= MAX_JSON_COPY) chunks.push(chunk);
      },
      finish() {
        if (size > 0 && size <= MAX_JSON_COPY) {
          try {
            const whole = chunks.length === 1 ? asBuffer(chunks[0]) : Buffer.concat(chunks);
            const data: unknown = JSON.parse(whole.toString("utf8"));
            // Gemini's streamGenerateContent without ?alt=sse is one JSON array of chunks.
            for (const item of Array.isArray(data) ? data : [data]) {
              const o = obj(item);
              if (o) absorb(usage, o);
            }
          } catch {
            // Not JSON (an HTML error page, say): no usage to read.
          }
        }
        return finish();
      },
    };
  }

  const { hint, object: pattern } = patterns[format];
  const line = (l: string) => {
    if (!l.startsWith("data:")) return;
    const payload = l.slice(5).trimStart();
    if (payload[0] !== "{" || !hint.test(payload)) return;
    try {
      const data = obj(JSON.parse(payload));
      if (data) absorb(usage, data);
    } catch {
      // A malformed event is the client's to see; metering skips it.
    }
  };
  // Complete lines are searched as bytes; only a line that holds a usage object is decoded
  // and parsed. The bytes after the last newline wait for the next chunk.
  let pending: Buffer | null = null;
  const scan = (buf: Buffer, to: number) => {
    let done = 0; // one parse per line, however many usage objects it holds
    for (const at of usageObjectsIn(buf, pattern, 0, to)) {
      if (at < done) continue;
      const start = buf.lastIndexOf(NL, at) + 1;
      const end = buf.indexOf(NL, at);
      line(buf.toString("utf8", start, end).replace(/\r$/, ""));
      done = end + 1;
    }
  };
  return {
    push(chunk) {
      const buf = pending ? Buffer.concat([pending, chunk]) : asBuffer(chunk);
      const last = buf.lastIndexOf(NL);
      if (last === -1) {
        pending = buf;
        return;
      }
      scan(buf, last);
      pending = last + 1 < buf.length ? buf.subarray(last + 1) : null;
    },
    finish() {
      if (pending) line(pending.toString("utf8").replace(/\r$/, ""));
      pending = null;
      return finish();
    },
  };
}
