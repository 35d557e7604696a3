import type { VerifiedKey } from "@/lib/keys/verifier";
import { noteSpend } from "@/lib/limits/budget";
import { settle } from "@/lib/limits/enforce";
import type { Reservation } from "@/lib/limits/limiter";
import { costUsd, priceFor } from "@/lib/usage/pricing";
import { recordUsage } from "@/lib/usage/recorder";
import { createMeter, type MeteredUsage } from "./meter";
import type { WireFormat } from "./providers";
import type { ChunkFilter } from "./include-usage";
import type { GatewayResponse } from "./types";

// Attributes each proxied call to its key: tokens read from the response as it passes,
// cost from the pricing table, one usage event when the response ends (or is cut off).

export interface CallContext {
  key: VerifiedKey;
  provider: string;
  format: WireFormat;
  endpoint: string;
  model: string | null;
  startedAt: number;
  ts: Date;
  /** Tokens reserved against the key's per-minute limit, settled with the real count. */
  reservation: Reservation | null;
}

const ZERO: MeteredUsage = { model: null, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 };

function record(c: CallContext, status: number, usage: MeteredUsage, ttfbMs: number | null, streamed: boolean, aborted: boolean): void {
  const model = usage.model ?? c.model ?? "unknown";
  const tokens = usage.inputTokens + usage.outputTokens;
  const price = priceFor(c.provider, model);
  const cost = tokens === 0 ? 0 : price ? costUsd(price, usage) : null;
  settle(c.reservation, tokens);
  if (cost) noteSpend(c.key.id, cost);
  recordUsage({
    ts: c.ts,
    ownerId: c.key.ownerId,
    keyId: c.key.id,
    environment: c.key.environment,
    provider: c.provider,
    model,
    endpoint: c.endpoint,
    status,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens: usage.cachedInputTokens,
    // No tokens cost nothing; tokens of an unpriced model cost "unknown", never $0.
    costUsd: cost,
    latencyMs: Math.round(performance.now() - c.startedAt),
    ttfbMs,
    streamed,
    aborted,
  });
}

/** A gateway-made answer (an error after the key was known): recorded at once. */
export function recordWithoutBody(c: CallContext, status: number): void {
  record(c, status, ZERO, null, false, false);
}

/** Meters the body as it passes; the client gets it through `filter` when there is one. */
async function* tap(source: AsyncIterable<Uint8Array>, c: CallContext, status: number, streamed: boolean, filter: ChunkFilter | null) {
  const meter = createMeter(c.format, streamed, c.model);
  let ttfb: number | null = null;
  let complete = false;
  let unread: Uint8Array | null = null;
  try {
    for await (const chunk of source) {
      ttfb ??= Math.round(performance.now() - c.startedAt);
      // The client gets each chunk first; it is read for usage once the next one is asked for.
      unread = chunk;
      const out = filter ? filter.push(chunk) : chunk;
      if (out) yield out;
      meter.push(chunk);
      unread = null;
    }
    complete = true;
    const rest = filter?.end();
    if (rest) yield rest;
  } finally {
    // Runs on completion, on upstream failure, and when the client goes away mid-stream.
    if (unread) meter.push(unread);
    record(c, status, meter.finish(), ttfb, streamed, !complete);
  }
}

/** `filter` changes what the client gets of a streamed body, never what is metered. */
export function meterResponse(res: GatewayResponse, c: CallContext, filter: ChunkFilter | null = null): GatewayResponse {
  const type = res.headers["content-type"];
  const streamed = typeof type === "string" && type.startsWith("text/event-stream");
  if (res.body === null || typeof res.body === "string") {
    record(c, res.status, ZERO, null, streamed, false);
    return res;
  }
  if (res.body instanceof Uint8Array) {
    // Read and recorded just after the answer is on its way: the client never waits for it.
    const body = res.body;
    const ttfb = Math.round(performance.now() - c.startedAt);
    setImmediate(() => {
      const meter = createMeter(c.format, streamed, c.model);
      meter.push(body);
      record(c, res.status, meter.finish(), ttfb, streamed, false);
    });
    return res;
  }
  return { ...res, body: tap(res.body, c, res.status, streamed, filter) };
}
