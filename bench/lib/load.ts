// The load the bench puts on a target: autocannon for fixed-rate runs (in this process), undici
// for single requests whose stream is timed chunk by chunk.
import autocannon, { type Result } from "autocannon";
import { Pool } from "undici";
import { error, log } from "./log";
import { percentile, round, sortNumbers } from "./stats";

/** A system under test: where to send a chat completion, and the process that does its work. */
export interface Endpoint {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** The process that does this target's work (for direct, the mock itself). */
  pid: number;
}

export const CHAT = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello in one short sentence." }] };
export const chatBody = JSON.stringify(CHAT);

// ---------------------------------------------------------------- autocannon
export interface Load {
  requests: number;
  rps: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Latency of each 2xx response in ms (hrtime precision; autocannon's own histogram is whole ms). */
  latencies: Float64Array;
  seconds: number;
}

export interface LoadRun {
  done: Promise<Load>;
  stop(): void;
}

export interface LoadShape {
  connections: number;
  duration?: number;
  amount?: number;
  body?: string;
  /** Gateway keys to send in turn, one per request (the many-keys phase). */
  rotateKeys?: string[];
}

function rotating(keys: string[]) {
  let i = 0;
  return (req: { headers: Record<string, string> }) => {
    req.headers = { ...req.headers, authorization: `Bearer ${keys[i++ % keys.length]}` };
    return req;
  };
}

export function cannon(t: Endpoint, o: LoadShape, onResponse?: (endedAt: number, ms: number, status: number) => void): LoadRun {
  const latencies: number[] = [];
  let instance: ReturnType<typeof autocannon>;
  const done = new Promise<Load>((resolve, reject) => {
    instance = autocannon(
      {
        url: t.url,
        method: "POST",
        headers: { "content-type": "application/json", ...t.headers },
        body: o.body ?? chatBody,
        connections: o.connections,
        ...(o.amount ? { amount: o.amount } : { duration: o.duration }),
        timeout: 30,
        // Stop checks run on this tick: 1 s (the default) would round every run up to whole seconds.
        sampleInt: 100,
        ...(o.rotateKeys ? { requests: [{ setupRequest: rotating(o.rotateKeys) }] } : {}),
      },
      (err: Error | null, r: Result) => {
        if (err) return reject(err);
        const seconds = r.duration;
        resolve({
          requests: r["2xx"],
          rps: r["2xx"] / seconds,
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx: r.non2xx,
          latencies: sortNumbers(latencies),
          seconds,
        });
      },
    );
    instance.on("response", (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
      onResponse?.(performance.now(), ms, status);
    });
  });
  return { done, stop: () => instance.stop() };
}

/** A measured run after `warmup` seconds of unmeasured load (a tenth of the requests for fixed counts); its errors are the bench's errors. */
export async function measure(
  t: Endpoint,
  o: LoadShape,
  what: string,
  warmup: number,
  onStart?: () => void | Promise<void>,
): Promise<Load> {
  if (warmup > 0) {
    const warm = o.amount ? { amount: Math.max(2, o.connections, Math.ceil(o.amount / 10)) } : { duration: warmup };
    await cannon(t, { connections: o.connections, body: o.body, rotateKeys: o.rotateKeys, ...warm }).done;
  }
  await onStart?.();
  const r = await cannon(t, o).done;
  const bad = r.errors + r.timeouts + r.non2xx;
  if (bad > 0) error(`${what} on ${t.name}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx responses`);
  return r;
}

// ---------------------------------------------------------------- undici (streams, checks)
const pools = new Map<string, Pool>();

/** One shared keep-alive pool per origin and size, so requests do not pay for a connection. */
export function poolFor(origin: string, connections = 16): Pool {
  const key = `${origin}#${connections}`;
  let p = pools.get(key);
  if (!p) pools.set(key, (p = new Pool(origin, { connections, keepAliveTimeout: 60_000, headersTimeout: 120_000, bodyTimeout: 120_000 })));
  return p;
}

export async function closePools(): Promise<void> {
  await Promise.allSettled([...pools.values()].map((p) => p.close()));
}

export interface StreamTiming {
  status: number;
  /** ms until the first body chunk. */
  ttfb: number;
  /** ms until the body ended. */
  total: number;
  bytes: number;
  complete: boolean;
}

/** One request, timed to its first body chunk and to its end; complete when it ends with `data: [DONE]`. */
export async function post(t: Endpoint, body: string, pool?: Pool, onFirstChunk?: () => void): Promise<StreamTiming> {
  const url = new URL(t.url);
  const p = pool ?? poolFor(url.origin);
  const t0 = performance.now();
  const res = await p.request({
    path: url.pathname,
    method: "POST",
    headers: { "content-type": "application/json", ...t.headers },
    body,
  });
  let ttfb = NaN;
  let bytes = 0;
  let tail = "";
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    if (bytes === 0) {
      ttfb = performance.now() - t0;
      onFirstChunk?.();
    }
    bytes += chunk.length;
    tail = (tail + chunk.subarray(-48).toString("latin1")).slice(-48);
  }
  const total = performance.now() - t0;
  return { status: res.statusCode, ttfb, total, bytes, complete: tail.includes("data: [DONE]") };
}

/** One request before measuring: the target must answer a real chat completion from the mock. */
export async function check(t: Endpoint): Promise<void> {
  const url = new URL(t.url);
  const res = await poolFor(url.origin).request({
    path: url.pathname,
    method: "POST",
    headers: { "content-type": "application/json", ...t.headers },
    body: chatBody,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200 || !text.includes('"object":"chat.completion"') || !text.includes("simulated response")) {
    throw new Error(`${t.name} does not proxy to the mock: ${res.statusCode} ${text.slice(0, 300)}`);
  }
}

/** `n` sequential streams per target after a tenth as many unmeasured, the targets alternating so drift in machine load hits all alike. */
export async function timeStreams(ts: Endpoint[], body: string, n: number, what: string) {
  const out: Record<string, { ttfb: number[]; total: number[]; bytes: number }> = {};
  for (const t of ts) out[t.name] = { ttfb: [], total: [], bytes: 0 };
  const warm = Math.max(2, Math.ceil(n / 10));
  for (let i = 0; i < warm + n; i++) {
    for (const t of ts) {
      const r = await post(t, body);
      if (r.status !== 200 || !r.complete) {
        error(`${what} on ${t.name}: status ${r.status}, ${r.complete ? "complete" : "incomplete stream"}`);
        continue;
      }
      if (i < warm) continue;
      out[t.name].ttfb.push(r.ttfb);
      out[t.name].total.push(r.total);
      out[t.name].bytes = r.bytes;
    }
  }
  const summary: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(out)) {
    const ttfb = sortNumbers(o.ttfb);
    const total = sortNumbers(o.total);
    summary[name] = {
      ttfbP50Ms: round(percentile(ttfb, 0.5)),
      ttfbP99Ms: round(percentile(ttfb, 0.99)),
      totalP50Ms: round(percentile(total, 0.5)),
      totalP99Ms: round(percentile(total, 0.99)),
      bytes: o.bytes,
      requests: o.ttfb.length,
    };
    log(
      `${what.padEnd(10)} ${name.padEnd(8)} first chunk p50 ${percentile(ttfb, 0.5).toFixed(3)} ms p99 ${percentile(ttfb, 0.99).toFixed(3)} ms; total p50 ${percentile(total, 0.5).toFixed(3)} ms p99 ${percentile(total, 0.99).toFixed(3)} ms (${o.bytes} bytes)`,
    );
  }
  return summary;
}
