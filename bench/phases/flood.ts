// Phase 7: a bcrypt flood. An attacker who knows one key id (their own) sends forged secrets with
// valid checksums at once; the cached victim key's p99 during the flood is compared with its idle p99.
import { forgeKey } from "../../testing/forge-key";
import { cannon, chatBody, measure, poolFor, post } from "../lib/load";
import { error, log } from "../lib/log";
import { overlapping, percentile, round, type Timed } from "../lib/stats";
import type { BenchContext } from "../start";

export async function floodPhase(ctx: BenchContext): Promise<{ flood: unknown }> {
  const { opt, gateway, gw } = ctx;
  const idle = await measure(gateway, { connections: 1, duration: opt.coldIdleDuration }, "flood (idle)", opt.warmup);
  const idleP99 = percentile(idle.latencies, 0.99);
  const during: Timed[] = [];
  const hot = cannon(gateway, { connections: 1, duration: 120 }, (endedAt, ms, status) => {
    if (status === 200) during.push({ endedAt, ms });
    else error(`flood: victim request answered ${status}`);
  });
  await new Promise((r) => setTimeout(r, 300));
  const idPart = (gw.coldKeys[0] ?? gw.key).slice("ne_live_".length, "ne_live_".length + 12);
  const floodPool = poolFor(gw.origin, opt.floodKeys);
  const burstStart = performance.now();
  const floods = await Promise.allSettled(
    Array.from({ length: opt.floodKeys }, () =>
      post({ ...gateway, headers: { ...gateway.headers, authorization: `Bearer ${forgeKey(idPart)}` } }, chatBody, floodPool),
    ),
  );
  const burstEnd = performance.now();
  hot.stop();
  await hot.done;
  const statuses: Record<string, number> = {};
  for (const f of floods) {
    const s = f.status === "fulfilled" ? String(f.value.status) : "failed";
    statuses[s] = (statuses[s] ?? 0) + 1;
  }
  const refusedWell = (statuses["401"] ?? 0) + (statuses["429"] ?? 0) + (statuses["503"] ?? 0);
  if (refusedWell !== opt.floodKeys) error(`flood: forged keys answered ${JSON.stringify(statuses)}`);
  const victim = overlapping(during, burstStart, burstEnd);
  const floodP99 = percentile(victim, 0.99);
  log(
    `bcrypt flood        victim p99 ${idleP99.toFixed(3)} ms idle, ${floodP99.toFixed(3)} ms during ${opt.floodKeys} forged keys (${JSON.stringify(statuses)})`,
  );
  return {
    flood: {
      forgedKeys: opt.floodKeys,
      statuses,
      idleP99Ms: round(idleP99),
      duringFloodP99Ms: round(floodP99),
      victimRequestsDuringFlood: victim.length,
      floodMs: round(burstEnd - burstStart, 1),
      ratio: round(floodP99 / idleP99, 2),
    },
  };
}
