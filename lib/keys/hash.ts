import { Worker } from "node:worker_threads";
import { getEnv } from "@/lib/env";

// bcrypt runs on a worker thread, hashing and comparing alike: bcryptjs's async API works in
// slices of up to 100 ms on the calling thread, which would freeze every request on this
// event loop (in `npm start`, creating a key in the dashboard would stall the proxy).

/** The bcrypt thread's nice value (0 is normal, 19 the lowest priority). */
export const WORKER_NICE = 10;

// Plain source, resolved by the worker from the working directory: a bundler (Next's) would
// otherwise rewrite a resolved path into one of its own module ids.
// The thread runs at nice 10 (on Linux a thread's own, not the process's): when cores are short,
// cached-key traffic goes first. With 20 cold verifications on two busy cores, cached-key p99 rose
// 1.2x to 2.4x its idle value (five runs) against 2.4x to 4.3x at the default (three).
const source = `
try { require("node:os").setPriority(${WORKER_NICE}); } catch {}
const { parentPort } = require("node:worker_threads");
const bcrypt = require("bcryptjs");
parentPort.on("message", ({ id, key, hash, cost }) => {
  if (cost !== undefined) {
    let made = null;
    try { made = bcrypt.hashSync(key, cost); } catch {}
    parentPort.postMessage({ id, result: made });
    return;
  }
  let ok = false;
  try { ok = bcrypt.compareSync(key, hash); } catch {}
  parentPort.postMessage({ id, result: ok });
});`;
let worker: Worker | null = null;
let nextId = 0;
const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (err: Error) => void }>();
// Cold keys and new keys are rare once traffic is warm, and a thread holds ~20 MB: it leaves when idle.
let idleMs = 30_000;
let idleTimer: NodeJS.Timeout | null = null;

function retireWhenIdle(): void {
  if (waiting.size > 0 || idleTimer) return;
  idleTimer = setTimeout(() => {
    idleTimer = null;
    if (waiting.size > 0 || !worker) return;
    const w = worker;
    worker = null;
    void w.terminate();
  }, idleMs);
  idleTimer.unref();
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(source, { eval: true });
  w.unref();
  w.on("message", ({ id, result }: { id: number; result: unknown }) => {
    waiting.get(id)?.resolve(result);
    waiting.delete(id);
    retireWhenIdle();
  });
  // A dead worker must not leave verifications hanging: fail them, start afresh next time.
  // (A retired worker's exit is no failure: it had nothing pending, and a successor may.)
  const fail = (err: Error) => {
    if (worker !== w) return;
    worker = null;
    for (const p of waiting.values()) p.reject(err);
    waiting.clear();
  };
  w.on("error", fail);
  w.on("exit", (code) => fail(new Error(`bcrypt worker exited with code ${code}`)));
  worker = w;
  return w;
}

function ask(message: { key: string; hash?: string; cost?: number }): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    getWorker().postMessage({ id, ...message });
  });
}

export async function hashKey(key: string, cost = getEnv().BCRYPT_COST): Promise<string> {
  const made = await ask({ key, cost });
  if (typeof made !== "string") throw new Error("bcrypt could not hash the key");
  return made;
}

export async function compareKey(key: string, hash: string): Promise<boolean> {
  return (await ask({ key, hash })) === true;
}

/** How long an idle worker stays (tests shorten it); whether one is running now. */
export function bcryptWorker(opts: { idleMs?: number } = {}): { running: boolean } {
  if (opts.idleMs !== undefined) idleMs = opts.idleMs;
  return { running: worker !== null };
}
