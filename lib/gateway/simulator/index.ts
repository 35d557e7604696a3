// The built-in provider simulator: answers test-key requests in each provider's own wire
// format with deterministic text and honest token counts, without any I/O.
import { simulateAnthropic } from "./anthropic";
import { simulateGemini } from "./gemini";
import { simulateOpenAI } from "./openai";
import { MAX_BODY_DEPTH, MAX_CHUNKS, nestedDeeperThan } from "./limits";
import { errorResult } from "./respond";
import type { SimRequest, SimResult, SimulatorFormat } from "./respond";
import { sseStream } from "./sse";
import type { StreamOptions } from "./sse";

export type { SimResult, SimulatorFormat } from "./respond";
export { errorBody } from "./respond";
export { encodeFrame, sseChunks } from "./sse";
export type { SseFrame, StreamOptions } from "./sse";
export { complete, countTokens, embed, float32Base64, splitDeltas } from "./text";
export type { Completion } from "./text";

export interface SimulateInput {
  format: SimulatorFormat;
  method: string;
  /** Path after the provider base URL: "/chat/completions", "/v1/messages", "/v1beta/models/m:generateContent". */
  path: string;
  /** Query string with its "?", e.g. "?alt=sse"; may be empty. */
  search: string;
  /** Parsed JSON body, or undefined when there was none or it did not parse. */
  body: unknown;
  /** Stops a streaming body: the stream errors instead of producing more events. */
  signal?: AbortSignal;
  /** Delay between streamed content deltas (default 0). */
  chunkDelayMs?: number;
  /** Number of streamed content deltas (default 8; fewer when the text has fewer tokens; at most MAX_CHUNKS). */
  chunks?: number;
}

export const DEFAULT_CHUNKS = 8;

const HANDLERS: Record<SimulatorFormat, (req: SimRequest) => SimResult> = {
  openai: simulateOpenAI,
  anthropic: simulateAnthropic,
  gemini: simulateGemini,
};

/** The simulated answer as plain data; send `frames` with sseChunks() to get pacing and abort. */
export function simulateResult(input: Omit<SimulateInput, "signal" | "chunkDelayMs">): SimResult {
  const handler = HANDLERS[input.format];
  if (!handler) throw new TypeError(`Unknown simulator format: ${String(input.format)}`);
  // Every walk over the body recurses at most this deep: deeper is the client's error, as a 400.
  if (nestedDeeperThan(input.body, MAX_BODY_DEPTH)) {
    return errorResult(input.format, 400, `The request body is nested too deeply (more than ${MAX_BODY_DEPTH} levels).`);
  }
  const chunks = Math.floor(input.chunks ?? DEFAULT_CHUNKS) || 1;
  try {
    return handler({
      method: input.method.toUpperCase(),
      path: input.path.split("?")[0].replace(/\/+$/, "") || "/",
      search: input.search,
      body: input.body,
      chunks: Math.max(1, Math.min(chunks, MAX_CHUNKS)),
    });
  } catch {
    // A malformed but parseable body must never crash the gateway: answer like a provider would.
    return errorResult(input.format, 500, "The simulator failed to process the request.");
  }
}

/** A plain result as a web Response; SSE bodies are paced and abortable per `opts`. */
export function toResponse(result: SimResult, opts: StreamOptions = {}): Response {
  const body = result.frames ? sseStream(result.frames, opts) : result.body;
  return new Response(body, { status: result.status, headers: result.headers });
}

/** The simulated answer as a web Response (JSON, or an SSE stream). */
export async function simulate(input: SimulateInput): Promise<Response> {
  return toResponse(simulateResult(input), { signal: input.signal, chunkDelayMs: input.chunkDelayMs });
}
