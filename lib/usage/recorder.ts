import { insertUsageBatch } from "@/db/queries/usage-write";
import type { UsageEventRow } from "@/db/schema";

// Usage events are buffered in memory and written in batches, off the request path:
// every second, as soon as a batch fills, at shutdown (server.ts), and after each
// response in the route-handler door (Next's after()). A failed write keeps the events
// for the next attempt.

export type UsageEvent = Omit<UsageEventRow, "id">;

const BATCH = 1_000;
const FLUSH_EVERY_MS = 1_000;
const MAX_BUFFERED = 200_000;

interface State {
  buffer: UsageEvent[];
  timer: NodeJS.Timeout | null;
  flushing: Promise<void> | null;
  written: number;
  dropped: number;
  /** Cost per key of events not yet written (buffered or being written), for budgets. */
  pendingCost: Map<string, number>;
}

const slot = Symbol.for("neuronedge.usageRecorder");
const state: State = ((globalThis as Record<symbol, State>)[slot] ??= {
  buffer: [],
  timer: null,
  flushing: null,
  written: 0,
  dropped: 0,
  pendingCost: new Map(),
});

function schedule(): void {
  if (state.timer || state.buffer.length === 0) return;
  state.timer = setTimeout(() => {
    state.timer = null;
    void flushUsage();
  }, FLUSH_EVERY_MS);
  state.timer.unref();
}

function addPending(events: UsageEvent[], sign: 1 | -1): void {
  for (const e of events) {
    if (!e.costUsd) continue;
    const left = (state.pendingCost.get(e.keyId) ?? 0) + sign * e.costUsd;
    if (Math.abs(left) < 1e-12) state.pendingCost.delete(e.keyId);
    else state.pendingCost.set(e.keyId, left);
  }
}

/** USD of the key's events that are recorded here but not yet in the database. */
export function pendingCostOf(keyId: string): number {
  return state.pendingCost.get(keyId) ?? 0;
}

export function recordUsage(event: UsageEvent): void {
  addPending([event], 1);
  if (state.buffer.length >= MAX_BUFFERED) {
    // The database has been away for a long time: keep the newest, say so loudly.
    addPending([state.buffer.shift()!], -1);
    if (state.dropped++ % 1000 === 0) console.error("[neuronedge] usage buffer full: dropping the oldest events");
  }
  state.buffer.push(event);
  if (state.buffer.length >= BATCH) void flushUsage();
  else schedule();
}

async function drain(): Promise<void> {
  while (state.buffer.length > 0) {
    const batch = state.buffer.splice(0, BATCH);
    try {
      await insertUsageBatch({ events: batch });
      state.written += batch.length;
      addPending(batch, -1);
    } catch (err) {
      state.buffer.unshift(...batch);
      console.error("[neuronedge] could not write usage events, will retry:", (err as Error).message);
      return;
    }
  }
}

/** Writes everything buffered so far; concurrent callers share one drain. */
export async function flushUsage(): Promise<void> {
  // Whole answers are metered in a setImmediate just after they are sent (lib/gateway/usage.ts):
  // one turn of the loop lets those already scheduled record their events before this write.
  await new Promise((resolve) => setImmediate(resolve));
  if (state.timer) {
    clearTimeout(state.timer);
    state.timer = null;
  }
  while (state.flushing) await state.flushing;
  if (state.buffer.length === 0) return;
  state.flushing = drain().finally(() => {
    state.flushing = null;
    schedule();
  });
  await state.flushing;
}

export function usageRecorderStats() {
  return { buffered: state.buffer.length, written: state.written, dropped: state.dropped };
}
