// Result helpers shared by the format modules: ids, JSON bodies, SSE results, provider-shaped errors.
import { FORMATS, type WireFormat } from "../formats";
import type { SseFrame } from "./sse";

export type SimulatorFormat = WireFormat;

/**
 * A simulated answer as plain data: a JSON body, or SSE frames to be paced out.
 * Plain data rather than a web Response so a node:http server can write it without
 * paying for web streams (which cost more than the whole simulation).
 */
export type SimResult =
  | { status: number; headers: Record<string, string>; body: string; frames?: undefined }
  | { status: number; headers: Record<string, string>; frames: SseFrame[]; body?: undefined };

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Random bytes drawn in blocks: one getRandomValues call per many ids keeps ids cheap under load.
const pool = new Uint8Array(4096);
let poolAt = pool.length;

/** A random base62 id body: ids look like the provider's and never repeat. */
export function randomId(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    if (poolAt === pool.length) {
      crypto.getRandomValues(pool);
      poolAt = 0;
    }
    out += ALPHABET[pool[poolAt++] % 62];
  }
  return out;
}

/** The request id header each provider sends (Gemini sends none we need to mimic). */
export function requestIdHeader(format: SimulatorFormat): Record<string, string> {
  if (format === "openai") return { "x-request-id": `req_${randomId(32)}` };
  if (format === "anthropic") return { "request-id": `req_011C${randomId(20)}` };
  return {};
}

export function json(format: SimulatorFormat, body: unknown, status = 200): SimResult {
  return { status, headers: { "content-type": "application/json", ...requestIdHeader(format) }, body: JSON.stringify(body) };
}

export const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

export function sse(format: SimulatorFormat, frames: SseFrame[]): SimResult {
  return { status: 200, headers: { ...SSE_HEADERS, ...requestIdHeader(format) }, frames };
}

/** The error body a provider sends for `status`, so its SDK raises the matching error class. */
export function errorBody(
  format: SimulatorFormat,
  status: number,
  message: string,
  opts: { param?: string | null; code?: string | null } = {},
): unknown {
  return FORMATS[format].errorBody(status, message, opts);
}

export function errorResult(
  format: SimulatorFormat,
  status: number,
  message: string,
  opts: { param?: string | null; code?: string | null } = {},
): SimResult {
  return json(format, errorBody(format, status, message, opts), status);
}

export function notFound(format: SimulatorFormat, method: string, path: string): SimResult {
  const message =
    format === "openai"
      ? `Invalid URL (${method} ${path})`
      : format === "anthropic"
        ? `Not found: ${method} ${path}`
        : `Method not found: ${method} ${path}`;
  return errorResult(format, 404, message, { code: "not_found" });
}

/** A positive integer or undefined; anything else is a client error the provider would reject. */
export function readMaxTokens(value: unknown): number | undefined | "invalid" {
  if (value === undefined || value === null) return undefined;
  return Number.isInteger(value) && (value as number) >= 1 ? (value as number) : "invalid";
}

export const unixSeconds = () => Math.floor(Date.now() / 1000);

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What a format module receives: the request plus the number of streamed deltas. */
export interface SimRequest {
  method: string;
  /** Normalised path after the provider base URL, without query string. */
  path: string;
  search: string;
  body: unknown;
  chunks: number;
}
