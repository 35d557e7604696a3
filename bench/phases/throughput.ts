// Phase 1: non-streamed chat completions at many connections, then an exact count of the usage
// the gateway recorded for a fixed number of them.
import { poolFor, measure } from "../lib/load";
import { error, log } from "../lib/log";
import { cpuMs } from "../lib/proc";
import { median, percentile, round } from "../lib/stats";
import type { BenchContext } from "../start";

interface GatewayUsage {
  events: number;
  hourly: number;
  daily: number;
  writeMs: number;
  writeCpuMs: number;
  dropped: number;
}

/** The hot key's usage in the gateway's database, everything buffered written first (bench/gateway-server.ts). */
async function gatewayUsage(origin: string): Promise<GatewayUsage> {
  const res = await poolFor(origin, 2).request({ path: "/bench/usage", method: "GET" });
  if (res.statusCode !== 200) throw new Error(`/bench/usage answered ${res.statusCode}: ${await res.body.text()}`);
  return (await res.body.json()) as GatewayUsage;
}

export async function throughputPhase(ctx: BenchContext): Promise<{ throughput: unknown; usage?: unknown }> {
  const { opt, gateway, gw } = ctx;
  // Direct, bare and gateway are measured in several rounds, one after another within each round,
  // and each ratio is taken within a round (side by side), then the median round is reported:
  // on a shared 2-core machine a single run can be well off. Portkey and the Next door are far
  // from their targets and are measured once.
  const runs: Record<string, Record<string, number | null>[]> = {};
  const measured = ctx.targets.filter((x) => !opt.targets || opt.targets.has(x.name));
  for (let round_ = 0; round_ < opt.rounds; round_++) {
    for (const t of measured) {
      if (round_ > 0 && !["direct", "bare", "gateway"].includes(t.name)) continue;
      let cpu0 = NaN;
      let usage0: GatewayUsage | null = null;
      const r = await measure(t, { connections: opt.connections, duration: opt.duration }, "throughput", opt.warmup, async () => {
        // The warm-up's usage is written before the round starts, this round's before it is read.
        if (t === gateway) usage0 = await gatewayUsage(gw.origin);
        cpu0 = cpuMs(t.pid);
      });
      const usage1 = usage0 ? await gatewayUsage(gw.origin) : null;
      // CPU time the target's own process spent per request: unlike req/s, it hardly depends on
      // what else the machine is doing, so it compares the proxies' work even on a noisy box.
      const cpuUs = ((cpuMs(t.pid) - cpu0) * 1000) / (r.requests + r.non2xx);
      // The usage batch writes' share of it (µs a request): CPU, and wall time the loop was held.
      const perRequest = (field: "writeMs" | "writeCpuMs") =>
        usage0 && usage1 ? round(((usage1[field] - (usage0 as GatewayUsage)[field]) * 1000) / (r.requests + r.non2xx), 1) : null;
      const usageWrite: Record<string, number | null> = usage1
        ? { usageWriteCpuUsPerRequest: perRequest("writeCpuMs"), usageWriteWallUsPerRequest: perRequest("writeMs") }
        : {};
      (runs[t.name] ??= []).push({
        rps: round(r.rps, 0),
        requests: r.requests,
        errors: r.errors,
        timeouts: r.timeouts,
        non2xx: r.non2xx,
        p50Ms: round(percentile(r.latencies, 0.5)),
        p99Ms: round(percentile(r.latencies, 0.99)),
        cpuUsPerRequest: round(cpuUs, 1),
        ...usageWrite,
      });
      log(
        `throughput ${t.name.padEnd(8)} ${r.rps.toFixed(0).padStart(6)} req/s  ${cpuUs.toFixed(0).padStart(4)} µs CPU/request  (${opt.connections} connections, ${r.seconds} s, errors ${r.errors + r.timeouts + r.non2xx}${opt.rounds > 1 ? `, round ${round_ + 1} of ${opt.rounds}` : ""})`,
      );
    }
  }
  const tp: Record<string, unknown> = {};
  for (const [name, list] of Object.entries(runs)) {
    // The round with the median rate stands for the target; every round is kept.
    const mid = median(list.map((x) => x.rps ?? 0));
    tp[name] = {
      ...list.find((x) => x.rps === mid),
      cpuUsPerRequest: round(median(list.map((x) => x.cpuUsPerRequest ?? NaN)), 1),
      rounds: list.map((x) => x.rps),
    };
  }
  const perRound = (a: string, b: string) =>
    runs[a] && runs[b] ? runs[a].map((x, i) => (x.rps ?? NaN) / (runs[b][i]?.rps ?? NaN)).filter(Number.isFinite) : [];
  const ratios: Record<string, unknown> = {};
  for (const [name, [a, b]] of Object.entries({
    gatewayVsDirect: ["gateway", "direct"],
    bareVsDirect: ["bare", "direct"],
    gatewayVsBare: ["gateway", "bare"],
  })) {
    const rs = perRound(a, b);
    if (rs.length) ratios[name] = { median: round(median(rs), 3), rounds: rs.map((x) => round(x, 3)) };
  }
  const throughput = { connections: opt.connections, seconds: opt.duration, rounds: opt.rounds, ...tp, ratios };
  if (!runs.gateway) return { throughput };

  // Usage is exact under load: a fixed number of requests (every response received) must
  // leave exactly as many events, and as many requests in the hourly and the daily rollups.
  let before: GatewayUsage | null = null;
  const r = await measure(gateway, { connections: opt.connections, amount: opt.usageRequests }, "usage count", opt.warmup, async () => {
    before = await gatewayUsage(gw.origin);
  });
  const after = await gatewayUsage(gw.origin);
  const b = before as unknown as GatewayUsage;
  const events = after.events - b.events;
  const hourly = after.hourly - b.hourly;
  const daily = after.daily - b.daily;
  if (events !== r.requests || hourly !== r.requests || daily !== r.requests) {
    error(
      `usage count: ${r.requests} requests answered; recorded ${events} events, ${hourly} in the hourly and ${daily} in the daily rollups`,
    );
  }
  log(`usage count: ${r.requests} requests, ${events} events, ${hourly} / ${daily} in the hourly / daily rollups`);
  return {
    throughput,
    usage: {
      requests: r.requests,
      events,
      hourly,
      daily,
      writeCpuUsPerRequest: round(median(runs.gateway.map((x) => x.usageWriteCpuUsPerRequest ?? NaN)), 1),
      writeWallUsPerRequest: round(median(runs.gateway.map((x) => x.usageWriteWallUsPerRequest ?? NaN)), 1),
      dropped: after.dropped,
    },
  };
}
