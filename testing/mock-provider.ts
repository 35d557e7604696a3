// A fake LLM provider on loopback for tests and benchmarks: one node:http server that
// speaks the OpenAI, Anthropic and Gemini wire formats (by delegating to the gateway's
// simulator), records every request it receives, and can be told to fail, hang or stream slowly.
//
// Standalone: npx tsx testing/mock-provider.ts --port 4010 [--chunks 8] [--chunk-delay-ms 0] [--record]
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { encodeFrame, errorBody, simulateResult, sseChunks } from "../lib/gateway/simulator/index";
import type { SimResult, SimulatorFormat, SseFrame, StreamOptions } from "../lib/gateway/simulator/index";

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

type Match = (r: RecordedRequest) => boolean;

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

type Behaviour =
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

// The first path segment picks the provider; the rest is the path after that provider's base URL.
const PREFIXES: Record<string, { format: SimulatorFormat; strip: string }> = {
  openai: { format: "openai", strip: "/openai/v1" },
  anthropic: { format: "anthropic", strip: "/anthropic" },
  gemini: { format: "gemini", strip: "/gemini" },
};

function route(path: string, headers: IncomingMessage["headers"]): { format: SimulatorFormat; path: string } {
  const first = path.split("/")[1] ?? "";
  const prefix = Object.hasOwn(PREFIXES, first) ? PREFIXES[first] : undefined;
  if (prefix) {
    const rest = path.startsWith(prefix.strip) ? path.slice(prefix.strip.length) : path.slice(first.length + 1);
    return { format: prefix.format, path: rest || "/" };
  }
  // Unprefixed paths, for base URLs like http://127.0.0.1:4010/v1 (OpenAI) or http://127.0.0.1:4010 (Anthropic).
  if (/^\/v1(beta|alpha)?\/models\/[^/]+:/.test(path) || path.startsWith("/v1beta/")) return { format: "gemini", path };
  if (path.startsWith("/v1/messages") || headers["anthropic-version"] !== undefined) return { format: "anthropic", path };
  return { format: "openai", path: path.replace(/^\/v1(?=\/)/, "") };
}

function rateLimitHeaders(format: SimulatorFormat, served: number): Record<string, string> {
  const limit = 10_000;
  const remaining = String(limit - (served % limit) - 1);
  if (format === "openai") {
    return {
      "x-ratelimit-limit-requests": String(limit),
      "x-ratelimit-remaining-requests": remaining,
      "x-ratelimit-reset-requests": "6ms",
      "x-ratelimit-limit-tokens": "2000000",
      "x-ratelimit-remaining-tokens": "1999000",
      "x-ratelimit-reset-tokens": "30ms",
    };
  }
  if (format === "anthropic") {
    const reset = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, "Z");
    return {
      "anthropic-ratelimit-requests-limit": String(limit),
      "anthropic-ratelimit-requests-remaining": remaining,
      "anthropic-ratelimit-requests-reset": reset,
      "anthropic-ratelimit-tokens-limit": "2000000",
      "anthropic-ratelimit-tokens-remaining": "1999000",
      "anthropic-ratelimit-tokens-reset": reset,
    };
  }
  return {};
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
    req.on("close", () => !req.complete && reject(new Error("client closed before sending its body")));
  });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Writes a simulated result to a node response: SSE paced, with backpressure, until done or the client leaves. */
async function send(res: ServerResponse, result: SimResult, extraHeaders: Record<string, string>, stream: StreamOptions) {
  const headers = { ...extraHeaders, ...result.headers };
  if (!result.frames) {
    res.writeHead(result.status, { ...headers, "content-length": String(Buffer.byteLength(result.body)) }).end(result.body);
    return;
  }
  res.writeHead(result.status, headers);
  if (!stream.chunkDelayMs || !result.frames.some((f) => f.paced)) {
    // Nothing to pace: one write is much cheaper than a generator step and a write per frame.
    res.end(result.frames.map(encodeFrame).join(""));
    return;
  }
  // Frames produced back to back (no chunk delay) leave in one write; paced frames leave at once.
  let corked = false;
  const uncork = () => {
    corked = false;
    res.uncork();
  };
  try {
    for await (const chunk of sseChunks(result.frames, stream)) {
      if (res.destroyed) return;
      if (!corked) {
        corked = true;
        res.cork();
        setImmediate(uncork);
      }
      if (!res.write(chunk)) {
        await new Promise<void>((resolve) => {
          res.once("drain", resolve);
          res.once("close", resolve);
        });
      }
    }
    res.end();
  } catch {
    // The stream was aborted because the client left: nothing more to send.
    res.destroy();
  }
}

export async function startMockProvider(opts: { port?: number; record?: boolean } = {}): Promise<MockProvider> {
  const record = opts.record ?? true;
  const requests: RecordedRequest[] = [];
  let behaviours: Behaviour[] = [];
  let streaming: { chunks?: number; chunkDelayMs?: number } = {};
  const served: Record<SimulatorFormat, number> = { openai: 0, anthropic: 0, gemini: 0 };
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());

  const takeBehaviour = (r: RecordedRequest): Behaviour | undefined => {
    const b = behaviours.find((x) => !x.match || x.match(r));
    if (b && --b.times <= 0) behaviours = behaviours.filter((x) => x !== b);
    return b;
  };

  const server = createServer(async (req, res) => {
    const receivedAt = Date.now();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const entry: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      search: url.search,
      headers: { ...req.headers },
      body: "",
      receivedAt,
      aborted: false,
      completed: false,
    };
    const controller = new AbortController();
    res.on("finish", () => {
      entry.completed = true;
      notify();
    });
    res.on("close", () => {
      if (!res.writableFinished) {
        entry.aborted = true;
        controller.abort();
        notify();
      }
    });
    try {
      entry.body = await readBody(req);
    } catch {
      // The client left while sending its body: still a request worth seeing in tests.
      entry.aborted = true;
      if (record) requests.push(entry);
      notify();
      res.destroy();
      return;
    }
    if (record) requests.push(entry);
    notify();
    try {
      await answer(entry, url, req, res, controller.signal);
    } catch (err) {
      // A bug here must fail the request, not crash the test run with an unhandled rejection.
      console.error("[mock-provider] handler failed:", err);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("mock provider error");
    }
  });

  async function answer(entry: RecordedRequest, url: URL, req: IncomingMessage, res: ServerResponse, signal: AbortSignal) {

    const { format, path } = route(url.pathname, req.headers);
    const limits = rateLimitHeaders(format, served[format]++);
    const behaviour = takeBehaviour(entry);
    if (behaviour?.kind === "hang") return; // keep the socket open; close() or the client ends it
    if (behaviour?.kind === "fail") {
      const body =
        behaviour.body === undefined
          ? errorBody(format, behaviour.status, `Simulated failure with status ${behaviour.status}.`)
          : behaviour.body;
      const text = typeof body === "string" ? body : JSON.stringify(body);
      res
        .writeHead(behaviour.status, {
          ...limits,
          "content-type": typeof body === "string" ? "text/plain" : "application/json",
          ...behaviour.headers,
        })
        .end(text);
      return;
    }
    if (behaviour?.kind === "reply") {
      const { status, body, frames, headers } = behaviour;
      const result: SimResult = frames
        ? { status, headers: { "content-type": "text/event-stream; charset=utf-8", ...headers }, frames }
        : {
            status,
            headers: { "content-type": "application/json", ...headers },
            body: typeof body === "string" ? body : JSON.stringify(body ?? {}),
          };
      await send(res, result, limits, { signal, chunkDelayMs: streaming.chunkDelayMs });
      return;
    }
    const result = simulateResult({
      format,
      method: entry.method,
      path,
      search: url.search,
      body: parseJson(entry.body),
      chunks: streaming.chunks,
    });
    await send(res, result, limits, { signal, chunkDelayMs: streaming.chunkDelayMs });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseUrls: { openai: `${url}/openai/v1`, anthropic: `${url}/anthropic`, gemini: `${url}/gemini` },
    requests,
    reset() {
      requests.length = 0;
      behaviours = [];
      streaming = {};
    },
    fail({ times = 1, ...rest }) {
      behaviours.push({ kind: "fail", times, ...rest });
    },
    reply({ status = 200, times = 1, ...rest }) {
      behaviours.push({ kind: "reply", status, times, ...rest });
    },
    hang({ times = 1, match } = {}) {
      behaviours.push({ kind: "hang", times, match });
    },
    setStreaming(opts) {
      streaming = { ...streaming, ...opts };
    },
    waitFor(pred, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = requests.find(pred);
          if (!found) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`waitFor: no matching request within ${timeoutMs} ms (${requests.length} recorded)`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Hanging and keep-alive connections would otherwise hold close() open.
        server.closeAllConnections();
      });
    },
  };
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Benchmarks run millions of requests: recording is off unless asked for.
  const mock = await startMockProvider({ port: Number(flag("port") ?? 4010), record: process.argv.includes("--record") });
  const chunks = flag("chunks");
  const delay = flag("chunk-delay-ms");
  mock.setStreaming({
    chunks: chunks ? Number(chunks) : undefined,
    chunkDelayMs: delay ? Number(delay) : undefined,
  });
  console.log(`mock provider listening on ${mock.url}`);
  console.log(`  openai:    ${mock.baseUrls.openai}`);
  console.log(`  anthropic: ${mock.baseUrls.anthropic}`);
  console.log(`  gemini:    ${mock.baseUrls.gemini}`);
  const stop = () => void mock.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
