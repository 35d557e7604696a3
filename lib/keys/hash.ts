import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { getEnv } from "@/lib/env";

// bcrypt runs on worker threads, hashing and comparing alike: bcryptjs's async API works in
// slices of up to 100 ms on the calling thread, which would freeze every request on this
// event loop (in `npm start`, creating a key in the dashboard would stall the proxy).

/** The bcrypt threads' nice value (0 is normal, 19 the lowest priority). */
export const WORKER_NICE = 10;

// Plain source, resolved by the worker from the working directory: a bundler (Next's) would
// otherwise rewrite a resolved path into one of its own module ids.
// The threads run at nice 10 (on Linux a thread's own, not the process's): when cores are short,
// cached-key traffic goes first (docs/performance.md has the runs).
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

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (result: unknown) => void; reject: (err: Error) => void }>;
}

let threads: Thread[] = [];
let nextId = 0;
// Cold keys and new keys are rare once traffic is warm, and a thread holds ~10 MB: they leave when idle.
let idleMs = 30_000;
let idleTimer: NodeJS.Timeout | null = null;

/** How many bcrypt threads: BCRYPT_THREADS, else one per core beyond the first (the proxy's), 1 to 4. */
export function bcryptThreadCount(): number {
  return getEnv().BCRYPT_THREADS ?? Math.min(4, Math.max(1, availableParallelism() - 1));
}

const busy = () => threads.some((t) => t.pending.size > 0);

function retireWhenIdle(): void {
  if (busy() || idleTimer) return;
  idleTimer = setTimeout(() => {
    idleTimer = null;
    if (busy()) return;
    const retiring = threads;
    threads = [];
    for (const t of retiring) void t.worker.terminate();
  }, idleMs);
  idleTimer.unref();
}

function startThread(): Thread {
  const t: Thread = { worker: new Worker(source, { eval: true }), pending: new Map() };
  t.worker.unref();
  t.worker.on("message", ({ id, result }: { id: number; result: unknown }) => {
    t.pending.get(id)?.resolve(result);
    t.pending.delete(id);
    retireWhenIdle();
  });
  // A dead thread must not leave verifications hanging: fail them, start afresh next time.
  // (A retired thread's exit is no failure: it had nothing pending.)
  const fail = (err: Error) => {
    if (!threads.includes(t)) return;
    threads = threads.filter((x) => x !== t);
    for (const p of t.pending.values()) p.reject(err);
    t.pending.clear();
  };
  t.worker.on("error", fail);
  t.worker.on("exit", (code) => fail(new Error(`bcrypt worker exited with code ${code}`)));
  threads.push(t);
  return t;
}

/** The least busy thread, starting another while there are fewer than allowed. */
function pickThread(): Thread {
  const idle = threads.find((t) => t.pending.size === 0);
  if (idle) return idle;
  if (threads.length < bcryptThreadCount()) return startThread();
  return threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
}

function ask(message: { key: string; hash?: string; cost?: number }): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    const t = pickThread();
    t.pending.set(id, { resolve, reject });
    t.worker.postMessage({ id, ...message });
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

/** How long idle threads stay (tests shorten it); how many are running now. */
export function bcryptWorker(opts: { idleMs?: number } = {}): { running: boolean; threads: number } {
  if (opts.idleMs !== undefined) idleMs = opts.idleMs;
  return { running: threads.length > 0, threads: threads.length };
}
