import { errors, Pool, type Dispatcher } from "undici";
import { AppError } from "@/lib/errors";

// One keep-alive connection pool per provider origin, shared by the whole process
// (server.ts and Next's bundled route handlers alike). Redirects are never followed.
// No cap on connections: a stream holds one for its whole life (seconds to minutes), so a
// cap of N makes the (N+1)th concurrent client wait, untimed, for someone else's stream to end.
// Concurrency is bounded by the clients; idle connections close after keepAliveTimeout.

const slot = Symbol.for("neuronedge.upstreamPools");
const pools: Map<string, Pool> = ((globalThis as Record<symbol, Map<string, Pool>>)[slot] ??= new Map());

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
  signal: AbortSignal;
  timeoutMs: number;
}

export async function callUpstream(c: UpstreamCall): Promise<Dispatcher.ResponseData> {
  try {
    return await poolFor(c.url.origin).request({
      path: c.url.pathname + c.url.search,
      method: c.method as Dispatcher.HttpMethod,
      headers: c.headers,
      body: c.body,
      signal: c.signal,
      headersTimeout: c.timeoutMs,
      bodyTimeout: c.timeoutMs,
    });
  } catch (err) {
    throw upstreamError(err);
  }
}

export function upstreamError(err: unknown): AppError {
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
