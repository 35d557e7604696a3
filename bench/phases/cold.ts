// Phase 6: a cached key's latency while keys no process has verified yet arrive at once, each
// costing a database lookup and a bcrypt verification.
import { cannon, chatBody, measure, poolFor, post } from "../lib/load";
import { error, log } from "../lib/log";
import { overlapping, percentile, round, type Timed } from "../lib/stats";
import type { BenchContext } from "../start";

export async function coldPhase(ctx: BenchContext): Promise<{ cold: unknown }> {
  const { opt, gateway, gw } = ctx;
  const idle = await measure(gateway, { connections: 1, duration: opt.coldIdleDuration }, "cold start (idle)", opt.warmup);
  const idleP99 = percentile(idle.latencies, 0.99);
  // The cached key keeps one connection busy; meanwhile the never-seen keys arrive all at once.
  const during: Timed[] = [];
  const hot = cannon(gateway, { connections: 1, duration: 120 }, (endedAt, ms, status) => {
    if (status === 200) during.push({ endedAt, ms });
    else error(`cold start: cached-key request answered ${status}`);
  });
  await new Promise((r) => setTimeout(r, 300));
  const burstStart = performance.now();
  const cold = await Promise.allSettled(
    gw.coldKeys.map((key) =>
      post(
        { ...gateway, headers: { ...gateway.headers, authorization: `Bearer ${key}` } },
        chatBody,
        poolFor(gw.origin, gw.coldKeys.length + 1),
      ),
    ),
  );
  const burstEnd = performance.now();
  hot.stop();
  const hotRun = await hot.done;
  if (hotRun.errors + hotRun.timeouts > 0) error(`cold start: ${hotRun.errors} errors, ${hotRun.timeouts} timeouts on the cached key`);
  let coldFailed = 0;
  const coldMs: number[] = [];
  for (const c of cold) {
    if (c.status === "fulfilled" && c.value.status === 200) coldMs.push(c.value.total);
    else coldFailed++;
  }
  if (coldFailed > 0) error(`cold start: ${coldFailed} of ${gw.coldKeys.length} never-seen keys failed`);
  // Cached-key requests that overlapped the burst.
  const cachedDuring = overlapping(during, burstStart, burstEnd);
  const coldP99 = percentile(cachedDuring, 0.99);
  log(
    `cold start gateway  cached key p99 ${idleP99.toFixed(3)} ms idle, ${coldP99.toFixed(3)} ms while ${gw.coldKeys.length} new keys verify (${cachedDuring.length} requests in ${(burstEnd - burstStart).toFixed(0)} ms)`,
  );
  return {
    cold: {
      coldKeys: gw.coldKeys.length,
      idleP99Ms: round(idleP99),
      idleP50Ms: round(percentile(idle.latencies, 0.5)),
      duringBurstP99Ms: round(coldP99),
      duringBurstP50Ms: round(percentile(cachedDuring, 0.5)),
      duringBurstMaxMs: round(cachedDuring[cachedDuring.length - 1] ?? NaN),
      cachedRequestsDuringBurst: cachedDuring.length,
      burstMs: round(burstEnd - burstStart, 1),
      coldRequestMaxMs: round(Math.max(...coldMs)),
      ratio: round(coldP99 / idleP99, 2),
    },
  };
}
