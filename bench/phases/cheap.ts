// Phase 9: non-streamed chat completions against a cheap upstream (bench/cheap-upstream.ts), the
// gateway beside the bare proxy, side by side in each round: with an upstream that costs almost
// nothing, the gateway's own work (keys, limits, metering, usage writes) is what the ratio shows.
// Then streams from the same upstream, its first chunk alone: what each proxy adds to it.
import { CHAT, measure, timeStreams } from "../lib/load";
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
  const rps = Object.fromEntries(Object.entries(runs).map(([name, r]) => [name, { rps: median(r), rounds: r }]));
  const out: Record<string, unknown> = {
    ...rps,
    gatewayVsBare: ratio("gateway", "bare"),
    bareVsDirect: ratio("bare", "direct"),
    ...(runs.portkey ? { gatewayVsPortkey: ratio("gateway", "portkey") } : {}),
  };
  log(`cheap    gateway ${out.gatewayVsBare}× the bare proxy, bare ${out.bareVsDirect}× direct (medians of per-round ratios)`);

  // Many short streams, the three alternating: a first chunk's added time is tens of µs, and
  // alternating makes the machine's drift hit all three alike.
  const three = cheap.filter((t) => ["direct", "bare", "gateway"].includes(t.name));
  const streams = (await timeStreams(three, JSON.stringify({ ...CHAT, stream: true }), opt.streamRequests * 2, "cheap stream")) as Record<
    string,
    { ttfbP50Ms: number }
  >;
  const added = (name: string) => streams[name].ttfbP50Ms - streams.direct.ttfbP50Ms;
  out.stream = { ...streams, gatewayAddedMs: added("gateway"), bareAddedMs: added("bare"), addedVsBare: added("gateway") / added("bare") };
  log(`cheap    first chunk added: gateway ${added("gateway").toFixed(3)} ms, bare ${added("bare").toFixed(3)} ms`);
  return { cheap: out };
}
