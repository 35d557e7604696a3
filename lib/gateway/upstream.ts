import { errors, Pool, type Dispatcher } from "undici";
import { AppError } from "@/lib/errors";
import type { Cancellation } from "./cancel";
import { processSingleton } from "@/lib/singleton";

// One keep-alive connection pool per provider origin, shared by the whole process
// (server.ts and Next's bundled route handlers alike). Redirects are never followed.
// No cap on connections: a stream holds one for its whole life (seconds to minutes), so a
// cap of N makes the (N+1)th concurrent client wait, untimed, for someone else's stream to end.
// Concurrency is bounded by the clients; idle connections close after keepAliveTimeout.
//
// Calls go through undici's dispatch() with our own handler rather than request(): no Readable
// stream, no AbortSignal and no promise per chunk, which were a tenth of the proxy's CPU time in
// the profile. Small answers come back whole; streams as an async iterable with backpressure.

const pools = processSingleton("upstreamPools", () => new Map<string, Pool>());

function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, { connections: null, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000 });
    pools.set(origin, pool);
  }
  return pool;
}

export interface UpstreamCall {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
  cancel: Cancellation;
  timeoutMs: number;
}

/** A streamed body: iterate it, or discard() it (which stops the upstream call). */
export interface UpstreamBody extends AsyncIterable<Buffer> {
  discard(): void;
}

export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** Read whole: a small answer of declared length that is not an event stream. */
  body: Buffer | UpstreamBody;
}

/** Answers up to this size, with a content-length and not SSE, are read whole: the client then gets one write. */
const WHOLE_BODY_MAX = 64 * 1024;
/** Chunks held for a slow reader before the upstream socket is paused. */
const HIGH_WATER = 16;

function readWhole(headers: UpstreamResponse["headers"]): boolean {
  const declared = headers["content-length"];
  const type = headers["content-type"];
  if (typeof declared !== "string" || !(Number(declared) <= WHOLE_BODY_MAX)) return false;
  return !(typeof type === "string" && type.startsWith("text/event-stream"));
}

type Waiter = { resolve: (r: IteratorResult<Buffer>) => void; reject: (err: unknown) => void };

/** Chunks from the dispatcher to one reader; pauses the socket while the reader lags. */
class StreamedBody implements UpstreamBody {
  #chunks: Buffer[] = [];
  #waiter: Waiter | null = null;
  #ended = false;
  #error: unknown = null;
  constructor(private controller: Dispatcher.DispatchController) {}

  push(chunk: Buffer): void {
    const w = this.#waiter;
    if (w) {
      this.#waiter = null;
      w.resolve({ value: chunk, done: false });
      return;
    }
    this.#chunks.push(chunk);
    if (this.#chunks.length >= HIGH_WATER) this.controller.pause();
  }

  end(error: unknown = null): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    const w = this.#waiter;
    this.#waiter = null;
    if (w) {
      if (error) w.reject(error);
      else w.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.#chunks.shift();
    if (chunk) {
      if (this.controller.paused && this.#chunks.length < HIGH_WATER / 2) this.controller.resume();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.#ended) return this.#error ? Promise.reject(this.#error) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
  }

  discard(): void {
    this.#chunks = [];
    if (!this.#ended) this.controller.abort(new errors.RequestAbortedError());
    this.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: () => this.next(),
      // The reader stopped early (the client left): stop the upstream call too.
      return: () => {
        this.discard();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

export function callUpstream(c: UpstreamCall): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    if (c.cancel.aborted) return reject(upstreamError(new errors.RequestAbortedError()));
    let controller: Dispatcher.DispatchController | null = null;
    let settled = false;
    let whole: Buffer[] | null = null;
    let response: UpstreamResponse | null = null;
    let streamed: StreamedBody | null = null;
    const onCancel = () => controller?.abort(new errors.RequestAbortedError());
    c.cancel.once("abort", onCancel);
    const done = () => c.cancel.off("abort", onCancel);

    poolFor(c.url.origin).dispatch(
      {
        origin: c.url.origin,
        path: c.url.pathname + c.url.search,
        method: c.method as Dispatcher.HttpMethod,
        headers: c.headers,
        body: c.body,
        headersTimeout: c.timeoutMs,
        bodyTimeout: c.timeoutMs,
      },
      {
        onRequestStart(ctrl) {
          controller = ctrl;
          if (c.cancel.aborted) ctrl.abort(new errors.RequestAbortedError());
        },
        onResponseStart(ctrl, statusCode, headers) {
          if (statusCode < 200 && statusCode !== 101) return; // 1xx informational: the real answer follows
          response = { statusCode, headers, body: Buffer.alloc(0) };
          if (readWhole(headers)) {
            whole = [];
            return;
          }
          streamed = new StreamedBody(ctrl);
          response.body = streamed;
          settled = true;
          resolve(response);
        },
        onResponseData(_ctrl, chunk) {
          if (whole) whole.push(chunk);
          else streamed?.push(chunk);
        },
        onResponseEnd() {
          done();
          if (streamed) return streamed.end();
          response!.body = whole!.length === 1 ? whole![0] : Buffer.concat(whole!);
          settled = true;
          resolve(response!);
        },
        onResponseError(_ctrl, err) {
          done();
          if (streamed) return streamed.end(err);
          if (!settled) reject(upstreamError(err));
        },
      },
    );
  });
}

function upstreamError(err: unknown): AppError {
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError || err instanceof errors.ConnectTimeoutError) {
    return new AppError("gateway_timeout", "The provider did not answer in time.");
  }
  if (err instanceof errors.RequestAbortedError) {
    return new AppError("bad_request", "The client closed the request.");
  }
  return new AppError("bad_gateway", "Could not reach the provider.");
}

export async function closeUpstreamPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.allSettled(all.map((p) => p.close()));
}
