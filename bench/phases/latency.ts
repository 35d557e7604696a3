// Phase 2: latency at one connection, where nothing queues, so the difference is what a hop adds.
import { measure } from "../lib/load";
import { log } from "../lib/log";
import { percentile, round } from "../lib/stats";
import type { BenchContext } from "../start";

export async function latencyPhase(ctx: BenchContext): Promise<{ latency: unknown }> {
  const { opt } = ctx;
  const lat: Record<string, unknown> = {};
  for (const t of [ctx.direct, ctx.bare, ctx.gateway]) {
    const r = await measure(t, { connections: 1, duration: opt.latencyDuration }, "latency", opt.warmup);
    lat[t.name] = { p50Ms: round(percentile(r.latencies, 0.5)), p99Ms: round(percentile(r.latencies, 0.99)), requests: r.requests };
    log(
      `latency    ${t.name.padEnd(8)} p50 ${percentile(r.latencies, 0.5).toFixed(3)} ms  p99 ${percentile(r.latencies, 0.99).toFixed(3)} ms  (1 connection, ${r.requests} requests)`,
    );
  }
  return { latency: { connections: 1, seconds: opt.latencyDuration, ...lat } };
}
