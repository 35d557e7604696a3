// Phase 8: throughput with many active keys. Every key is verified once beforehand (one request
// each); then, after the verifier's TTL has passed for all of them, the load sends 1 key, a tenth
// of the keys, and all of them in turn, in rounds side by side. What it measures is what a
// verified key costs once its cache entry is past its TTL (the change feed, lib/keys/change-feed.ts),
// not bcrypt (the keys are made at bcrypt's lowest cost so that warming thousands fits the run).
import { readFileSync } from "node:fs";
import { cannon, measure, poolFor } from "../lib/load";
import { cpuMs } from "../lib/proc";
import { error, log } from "../lib/log";
import { median, round } from "../lib/stats";
import type { BenchContext } from "../start";

/** The gateway's default KEY_CACHE_TTL_MS: every verified entry is older than this when measured. */
const TTL_MS = 5_000;

/** CPU ms the gateway has spent in usage batch writes so far (bench/gateway-server.ts /bench/usage). */
async function usageWriteCpuMs(origin: string): Promise<number> {
  const res = await poolFor(origin, 2).request({ path: "/bench/usage", method: "GET" });
  return ((await res.body.json()) as { writeCpuMs: number }).writeCpuMs;
}

export async function keysPhase(ctx: BenchContext): Promise<{ keys: unknown }> {
  const { opt, gateway, gw } = ctx;
  if (!gw.manyKeysFile) throw new Error("the keys phase needs the gateway started with --many-keys");
  const all = readFileSync(gw.manyKeysFile, "utf8").split("\n").filter(Boolean);
  const steps = [...new Set([1, Math.max(1, Math.round(all.length / 10)), all.length])];

  // Verify each key once (a bcrypt each, at cost 4), then let every entry pass its TTL.
  const t0 = performance.now();
  const warm = await cannon(gateway, { connections: Math.min(50, all.length), amount: all.length, rotateKeys: all }).done;
  if (warm.errors + warm.timeouts + warm.non2xx > 0)
    error(`keys: warming ${all.length} keys: ${warm.non2xx} non-2xx, ${warm.errors} errors`);
  log(`keys     ${all.length} keys verified once in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await new Promise((r) => setTimeout(r, TTL_MS + 1_000));

  const runs: Record<number, number[]> = {};
  const cpuUs: Record<number, number[]> = {};
  const writeUs: Record<number, number[]> = {};
  for (let round_ = 0; round_ < opt.rounds; round_++) {
    for (const n of steps) {
      let write0 = 0;
      let cpu0 = 0;
      const r = await measure(
        gateway,
        { connections: opt.connections, duration: opt.duration, rotateKeys: all.slice(0, n) },
        `keys (${n} active)`,
        opt.warmup,
        async () => {
          write0 = await usageWriteCpuMs(gw.origin); // writes the warm-up's events, unmeasured
          cpu0 = cpuMs(gateway.pid);
        },
      );
      // The step's own events still buffered are written now and their time counted in the step:
      // with many keys the recorder waits longer to write (lib/usage/recorder.ts), and work left
      // for after the load would flatter them.
      const t0 = performance.now();
      const written = await usageWriteCpuMs(gw.origin);
      const rps = r.requests / (r.seconds + (performance.now() - t0) / 1000);
      const us = ((written - write0) * 1000) / Math.max(1, r.requests);
      const cpu = ((cpuMs(gateway.pid) - cpu0) * 1000) / Math.max(1, r.requests);
      (runs[n] ??= []).push(Math.round(rps));
      (cpuUs[n] ??= []).push(Math.round(cpu));
      (writeUs[n] ??= []).push(Math.round(us * 10) / 10);
      log(
        `keys     ${String(n).padStart(6)} active keys ${rps.toFixed(0).padStart(6)} req/s, ${cpu.toFixed(0)} µs CPU/request, of it usage writes ${us.toFixed(0)} µs${opt.rounds > 1 ? `  (round ${round_ + 1} of ${opt.rounds})` : ""}`,
      );
    }
  }
  // Each ratio within a round (side by side), then the median round's.
  const ratio = (n: number) => round(median(runs[n].map((rps, i) => rps / runs[1][i])), 2);
  const out: Record<string, unknown> = { keys: all.length, ttlMs: TTL_MS };
  for (const n of steps) {
    out[`active${n}`] = {
      rps: median(runs[n]),
      rounds: runs[n],
      vsOneKey: ratio(n),
      cpuUsPerRequest: median(cpuUs[n]),
      usageWriteCpuUsPerRequest: median(writeUs[n]),
    };
  }
  log(`keys     vs one key: ${steps.map((n) => `${n} keys ${ratio(n)}×`).join(", ")}`);
  return { keys: out };
}
