import type { WireFormat } from "./providers";

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

type Obj = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const obj = (v: unknown): Obj | undefined => (v && typeof v === "object" ? (v as Obj) : undefined);

/** Anthropic's input counters arrive separately and are summed at the end. */
interface Running extends MeteredUsage {
  anthropicInput?: number;
  anthropicCacheWrite?: number;
}

/** Folds one JSON object (a whole body, or one SSE event) into the running usage. */
type Absorb = (u: Running, data: Obj) => void;

// OpenAI-compatible: chat completions, embeddings and the Responses API.
const absorbOpenAI: Absorb = (u, data) => {
  const response = obj(data.response); // Responses API stream events wrap the response
  const src = response ?? data;
  if (typeof src.model === "string") u.model = src.model;
  const usage = obj(src.usage);
  if (!usage) return;
  if ("input_tokens" in usage || "output_tokens" in usage) {
    u.inputTokens = num(usage.input_tokens);
    u.outputTokens = num(usage.output_tokens);
    u.cachedInputTokens = num(obj(usage.input_tokens_details)?.cached_tokens);
  } else {
    u.inputTokens = num(usage.prompt_tokens);
    u.outputTokens = num(usage.completion_tokens);
    u.cachedInputTokens = num(obj(usage.prompt_tokens_details)?.cached_tokens);
  }
};

// Anthropic reports input (and cache) tokens in message_start and the cumulative output
// count in message_delta; a non-streamed message carries both in `usage`.
const absorbAnthropic: Absorb = (u, data) => {
  const message = obj(data.message);
  const src = message ?? data;
  if (typeof src.model === "string") u.model = src.model;
  const usage = obj(src.usage);
  if (!usage) return;
  // message_delta may repeat the input counters, or send them as null: null keeps what
  // message_start said (as the SDK does). All are cumulative, so they replace, never add.
  const given = (k: string) => typeof usage[k] === "number";
  if (given("input_tokens")) u.anthropicInput = num(usage.input_tokens);
  if (given("cache_creation_input_tokens")) u.anthropicCacheWrite = num(usage.cache_creation_input_tokens);
  if (given("cache_read_input_tokens")) u.cachedInputTokens = num(usage.cache_read_input_tokens);
  u.inputTokens = (u.anthropicInput ?? 0) + (u.anthropicCacheWrite ?? 0) + u.cachedInputTokens;
  if (given("output_tokens")) u.outputTokens = num(usage.output_tokens);
};

// Gemini repeats cumulative usageMetadata on streamed chunks: the last one wins.
const absorbGemini: Absorb = (u, data) => {
  if (typeof data.modelVersion === "string" && !u.model) u.model = data.modelVersion;
  const usage = obj(data.usageMetadata);
  if (!usage) return;
  u.inputTokens = num(usage.promptTokenCount);
  u.cachedInputTokens = num(usage.cachedContentTokenCount);
  u.outputTokens = num(usage.candidatesTokenCount) + num(usage.thoughtsTokenCount);
};

const absorbers: Record<WireFormat, Absorb> = { openai: absorbOpenAI, anthropic: absorbAnthropic, gemini: absorbGemini };

// Lines worth parsing (usage objects carry the model too); content deltas, and OpenAI's
// `"usage":null` on every chunk, are skipped without JSON.parse.
const USAGE_HINT: Record<WireFormat, RegExp> = {
  openai: /"usage"\s*:\s*\{/,
  anthropic: /"usage"\s*:\s*\{/,
  gemini: /"usageMetadata"\s*:\s*\{/,
};
// The same hint, found in the bytes: lines without it are never decoded at all. JSON whitespace
// but for newlines, which end an SSE line.
const USAGE_OBJECT: Record<WireFormat, RegExp> = {
  openai: /"usage"[ \t\r]*:[ \t\r]*\{/g,
  anthropic: /"usage"[ \t\r]*:[ \t\r]*\{/g,
  gemini: /"usageMetadata"[ \t\r]*:[ \t\r]*\{/g,
};

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

export const USAGE_OBJECT_OPENAI = USAGE_OBJECT.openai;

export const asBuffer = (chunk: Uint8Array): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

function emptyUsage(model: string | null): MeteredUsage {
  return { model, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 };
}

export function createMeter(format: WireFormat, streamed: boolean, requestModel: string | null): Meter {
  const absorb = absorbers[format];
  const usage: Running = emptyUsage(null);
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

  const hint = USAGE_HINT[format];
  const pattern = USAGE_OBJECT[format];
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
