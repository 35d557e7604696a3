// The mock provider's public shape (re-exported by testing/mock-provider.ts) and the behaviours
// a test queues on it.
import type { SseFrame } from "../../lib/gateway/simulator/index";

export interface RecordedRequest {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  receivedAt: number;
  /** The client closed the connection before the response finished. */
  aborted: boolean;
  completed: boolean;
}

export type Match = (r: RecordedRequest) => boolean;

export interface MockProvider {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  baseUrls: { openai: string; anthropic: string; gemini: string };
  requests: RecordedRequest[];
  /** Forgets recorded requests and queued behaviours, and restores default streaming. */
  reset(): void;
  /** Next matching requests (default: any, once) get this status and body instead of the simulator's answer. */
  fail(opts: { status: number; body?: unknown; headers?: Record<string, string>; times?: number; match?: Match }): void;
  /**
   * Next matching requests (default: any, once) get this answer instead of the simulator's:
   * a JSON body (status 200 unless told), or SSE frames sent like the simulator's (paced per setStreaming).
   */
  reply(opts: {
    status?: number;
    body?: unknown;
    frames?: SseFrame[];
    headers?: Record<string, string>;
    times?: number;
    match?: Match;
  }): void;
  /** Next matching requests are accepted and never answered (for timeouts). */
  hang(opts?: { times?: number; match?: Match }): void;
  /** Content deltas per stream and the delay between them, for later requests. */
  setStreaming(opts: { chunks?: number; chunkDelayMs?: number }): void;
  /** Resolves with the first recorded request (past or future, including later updates) that matches. */
  waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

/** What the next matching requests get instead of the simulator's answer. */
export type Behaviour =
  | { kind: "fail"; status: number; body?: unknown; headers?: Record<string, string>; times: number; match?: Match }
  | { kind: "hang"; times: number; match?: Match }
  | {
      kind: "reply";
      status: number;
      body?: unknown;
      frames?: SseFrame[];
      headers?: Record<string, string>;
      times: number;
      match?: Match;
    };

export type Streaming = { chunks?: number; chunkDelayMs?: number };
