// What one wire format (a provider API's shape) means to the gateway. Every format implements all
// of it, so the compiler lists what a new format needs: lib/gateway/formats/index.ts holds them.

export type WireFormat = "openai" | "anthropic" | "gemini";

export type Obj = Record<string, unknown>;

/** Token usage read from a response so far; a format may keep counters of its own beside it. */
export interface RunningUsage {
  model: string | null;
  /** All input tokens, cached ones included. */
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  /** Anthropic's input counters arrive separately and are summed. */
  anthropicInput?: number;
  anthropicCacheWrite?: number;
}

export interface ErrorDetail {
  /** OpenAI's `type`; the format's own for the status when absent. */
  type?: string;
  param?: string | null;
  /** OpenAI's `code`; the format's own for the status when undefined. */
  code?: string | null;
}

export interface FormatSpec {
  /** The error body this provider sends for `status`, so its SDK raises the matching error class. */
  errorBody(status: number, message: string, detail?: ErrorDetail): unknown;
  /** Folds one JSON object (a whole body, or one SSE event) into the running usage. */
  absorb(u: RunningUsage, data: Obj): void;
  /** The JSON key of the usage object in its answers: SSE lines without it are never parsed. */
  usageKey: string;
  /** The header its SDK sends the API key in (a gateway key may come there too). */
  keyHeader: string;
  /** The model and the streaming mode, when the format names them in the path rather than the body. */
  fromPath?(path: string): { model: string | null; stream: boolean };
  /** Where the request caps its output tokens, in order of precedence: the rate limiter reserves them. */
  outputCaps(json: Obj): unknown[];
  /** The endpoint as usage records it (a path with its model generalised). */
  endpoint(path: string): string;
}

export const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
export const obj = (v: unknown): Obj | undefined => (v && typeof v === "object" ? (v as Obj) : undefined);
