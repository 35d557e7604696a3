import { afterAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { performance } from "node:perf_hooks";
import { bcryptWorker, compareKey, hashKey, WORKER_NICE } from "./hash";

/** The nice value of each of this process's threads (Linux keeps one per thread). */
function threadNiceValues(): number[] {
  const out: number[] = [];
  for (const task of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, "utf8");
      out.push(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

describe("bcrypt comparisons on a worker thread", () => {
  afterAll(() => void bcryptWorker({ idleMs: 30_000 }));

  it("answers right and wrong keys", async () => {
    const hash = await hashKey("ne_live_right", 4);
    expect(await compareKey("ne_live_right", hash)).toBe(true);
    expect(await compareKey("ne_live_wrong", hash)).toBe(false);
  });

  it("retires the idle thread and starts a new one for the next comparison", async () => {
    bcryptWorker({ idleMs: 50 });
    const hash = await hashKey("ne_live_again", 4);
    expect(await compareKey("ne_live_again", hash)).toBe(true);
    expect(bcryptWorker().running).toBe(true);
    await expect.poll(() => bcryptWorker().running, { timeout: 5_000 }).toBe(false);
    // A comparison straight after retirement: the old thread's exit must not fail it.
    const again = [compareKey("ne_live_again", hash), compareKey("ne_live_nope", hash)];
    expect(await Promise.all(again)).toEqual([true, false]);
  });
});

describe("the bcrypt thread's priority", () => {
  it.runIf(process.platform === "linux")("is below the proxy's, while the process's stays as it was", async () => {
    const own = getPriority();
    expect(own).not.toBe(WORKER_NICE);
    await hashKey("ne_live_nice", 4);
    const values = threadNiceValues();
    // Cold verifications yield the cores to cached-key traffic; everything else keeps its priority.
    expect(values).toContain(WORKER_NICE);
    expect(getPriority()).toBe(own);
  });
});

describe("hashing a new key", () => {
  it("leaves this thread's event loop free while bcrypt works", async () => {
    // Creating a key in the dashboard must not stall proxied requests served by the same loop.
    const before = performance.eventLoopUtilization();
    const hash = await hashKey("ne_live_new", 12);
    const used = performance.eventLoopUtilization(before);
    expect(await compareKey("ne_live_new", hash)).toBe(true);
    // bcryptjs on this thread keeps the loop busy nearly the whole time (~1.0); a worker leaves it idle.
    expect(used.utilization).toBeLessThan(0.5);
  });
});
