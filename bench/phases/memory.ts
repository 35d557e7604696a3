// Phase 5: resident memory with many slow streams open at once, through the /v1 door alone and
// through the whole `npm start` server.
import { Pool } from "undici";
import { CHAT, poolFor, post, type Endpoint } from "../lib/load";
import { error, log } from "../lib/log";
import { rssMb, wasmResidentMb } from "../lib/proc";
import { round } from "../lib/stats";
import type { Options } from "../options";
import type { BenchContext } from "../start";

type HeapUsage = { heapUsed: number; wasm: number };

/** Opens opt.memoryStreams slow streams at once through `via` and samples the process's RSS. */
async function holdStreams(opt: Options, label: string, via: Endpoint, pid: number, usageOf?: () => Promise<HeapUsage>) {
  const n = opt.memoryStreams;
  const origin = new URL(via.url).origin;
  const target: Endpoint = { ...via, name: `${label} (slow upstream)`, url: `${origin}/v1/groq/chat/completions` };
  const pool = new Pool(origin, { connections: n, headersTimeout: 300_000, bodyTimeout: 300_000, keepAliveTimeout: 60_000 });
  const body = JSON.stringify({ ...CHAT, stream: true });
  // Settle first: what the process holds before the streams, after the earlier phases' garbage.
  await new Promise((r) => setTimeout(r, 500));
  const before = rssMb(pid);
  const wasmMb = usageOf ? (await usageOf()).wasm / 1048576 : null;
  let allOpenUsage: Promise<HeapUsage> | null = null;
  // Open: the first chunk has arrived and the stream has not ended. Counting only arrivals
  // would call 1,000 streams open at once when the first had ended before the last began.
  let open = 0;
  let mostOpen = 0;
  let peak = before;
  let peakOpen = 0;
  let allOpenAt: number | null = null;
  const t0 = performance.now();
  let allOpenRss = NaN; // the highest reading while every stream was open
  const sampler = setInterval(() => {
    const rss = rssMb(pid);
    if (rss > peak) {
      peak = rss;
      peakOpen = open;
    }
    if (open === n && !(rss <= allOpenRss)) allOpenRss = rss;
  }, 50);
  const settled = await Promise.allSettled(
    Array.from({ length: n }, async () => {
      let counted = false;
      try {
        return await post(target, body, pool, () => {
          counted = true;
          mostOpen = Math.max(mostOpen, ++open);
          if (open === n) {
            allOpenAt = performance.now() - t0;
            allOpenUsage = usageOf?.() ?? null;
          }
        });
      } finally {
        if (counted) open--;
      }
    }),
  );
  clearInterval(sampler);
  const seconds = (performance.now() - t0) / 1000;
  let failed = 0;
  for (const r of settled) if (r.status === "rejected" || r.value.status !== 200 || !r.value.complete) failed++;
  if (failed > 0) error(`memory (${label}): ${failed} of ${n} slow streams failed or were cut short`);
  if (mostOpen < n)
    error(
      `memory (${label}): at most ${mostOpen} of ${n} streams were open at once: opening them took longer than one lasts (--memory-seconds)`,
    );
  const firstReason = settled.find((r): r is PromiseRejectedResult => r.status === "rejected")?.reason as Error | undefined;
  if (firstReason) error(`memory (${label}): first failure: ${firstReason.message}`);
  await pool.close();
  const usage = await (allOpenUsage as Promise<HeapUsage> | null)?.catch(() => null);
  const wasmResident = usage ? wasmResidentMb(pid) : null;
  log(
    `memory     ${label.padEnd(8)} RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB with ${peakOpen} of ${n} streams open, ${Number.isNaN(allOpenRss) ? "never all open at once" : `${allOpenRss.toFixed(0)} MB with all open, after ${((allOpenAt ?? NaN) / 1000).toFixed(2)} s`}; done in ${seconds.toFixed(1)} s, ${failed} failed`,
  );
  return {
    // The embedded database's WebAssembly heap is part of the RSS (its touched pages): what is
    // left is the gateway's.
    ...(wasmMb === null ? {} : { pgliteWasmMb: round(wasmMb, 1) }),
    ...(usageOf ? { allOpenPgliteResidentMb: wasmResident === null ? null : round(wasmResident, 1) } : {}),
    ...(usageOf ? { allOpenHeapUsedMb: usage ? round(usage.heapUsed / 1048576, 1) : null } : {}),
    streams: n,
    streamSeconds: opt.memorySeconds,
    rssBeforeMb: round(before, 1),
    rssPeakMb: round(peak, 1),
    rssAllOpenMb: round(allOpenRss, 1),
    streamsOpenAtPeak: peakOpen,
    mostOpenAtOnce: mostOpen,
    allOpenAfterMs: allOpenAt === null ? null : round(allOpenAt, 0),
    completedSeconds: round(seconds, 2),
    failed,
  };
}

export async function memoryPhase(ctx: BenchContext): Promise<{ memory: unknown; memoryApp?: unknown }> {
  const { opt, gw } = ctx;
  const gatewayMemory = async () => {
    const res = await poolFor(gw.origin, 2).request({ path: "/bench/memory", method: "GET" });
    return (await res.body.json()) as HeapUsage;
  };
  const memory = await holdStreams(opt, "gateway", ctx.gateway, gw.pid, gatewayMemory);
  if (!opt.build) return { memory };
  const app = await ctx.startApp();
  // The same through the whole `npm start` server, dashboard (Next) loaded and one page served.
  await (await poolFor(app.origin).request({ path: "/dashboard/keys", method: "GET" })).body.dump();
  const memoryApp = await holdStreams(
    opt,
    "npm start",
    { name: "app", url: `${app.origin}/v1/openai/chat/completions`, headers: app.headers, pid: app.pid },
    app.pid,
  );
  await app.stop();
  return { memory, memoryApp };
}
