// Phase 9: non-streamed chat completions against a cheap upstream (bench/cheap-upstream.ts), the
// gateway beside the bare proxy, side by side in each round: with an upstream that costs almost
// nothing, the gateway's own work (keys, limits, metering, usage writes) is what the ratio shows.
import { measure } from "../lib/load";
import { log } from "../lib/log";
import { median, round } from "../lib/stats";
import type { BenchContext } from "../start";

export async function cheapPhase(ctx: BenchContext): Promise<{ cheap: unknown }> {
  const { opt, cheap } = ctx;
  if (!cheap) throw new Error("the cheap phase needs its upstream started");
  const runs: Record<string, number[]> = {};
  for (let round_ = 0; round_ < opt.rounds; round_++) {
    for (const t of cheap) {
      const r = await measure(t, { connections: opt.connections, duration: opt.duration }, `cheap upstream ${t.name}`, opt.warmup);
      (runs[t.name] ??= []).push(Math.round(r.rps));
      log(
        `cheap    ${t.name.padEnd(8)} ${r.rps.toFixed(0).padStart(6)} req/s${opt.rounds > 1 ? `  (round ${round_ + 1} of ${opt.rounds})` : ""}`,
      );
    }
  }
  const ratio = (a: string, b: string) => round(median(runs[a].map((x, i) => x / runs[b][i])), 2);
  const out = {
    direct: { rps: median(runs.direct), rounds: runs.direct },
    bare: { rps: median(runs.bare), rounds: runs.bare },
    gateway: { rps: median(runs.gateway), rounds: runs.gateway },
    gatewayVsBare: ratio("gateway", "bare"),
    bareVsDirect: ratio("bare", "direct"),
  };
  log(`cheap    gateway ${out.gatewayVsBare}× the bare proxy, bare ${out.bareVsDirect}× direct (medians of per-round ratios)`);
  return { cheap: out };
}
