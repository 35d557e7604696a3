import { analyzeUsageTables, insertUsageBatch, usageBatchLimit, usageEventsAnalyzedRows } from "@/db/queries/usage-write";
import type { UsageEventRow } from "@/db/schema";
import { describeError } from "@/lib/db-errors";
import { processSingleton } from "@/lib/singleton";

// Usage events are buffered in memory and written in batches, off the request path:
// every second (longer when keys are many, below), as soon as a batch fills, at shutdown (server.ts), and after each
// response in the route-handler door (Next's after()). A failed write keeps the events
// for the next attempt; an event the database refuses outright is dropped alone, loudly,
// so it can never hold back the events behind it. While the database is away the events wait
// in the buffer (at most MAX_BUFFERED; beyond it the oldest are dropped, counted and logged),
// one write is tried a second, and callers asking for a flush meanwhile share the next one.

export type UsageEvent = Omit<UsageEventRow, "id">;

const FLUSH_EVERY_MS = 1_000;
// With thousands of keys each seen about once a second, a second's batch has a rollup row for
// nearly every event, and folding them cost 4x the events' own write on the embedded database.
// Where batches may be large, the window grows fourfold while a batch has more than a quarter as
// many rollup groups as events (up to MAX_WINDOW_MS: seconds, not a minute of doubling, to get
// there) and halves back when it has under a twentieth: each key's rows are then updated once a
// window, not once an event.
const MAX_WINDOW_MS = 32_000;
const GROW_ABOVE = 0.25;
const SHRINK_BELOW = 0.05;
/** After a failed write the next waits this long, doubling with each failure in a row up to the cap. */
const RETRY_MS = 1_000;
/** While writes keep failing, the failure is logged again at most this often. */
const FAILURE_LOG_EVERY_MS = 60_000;
const limits = { maxBuffered: 200_000, retryMs: RETRY_MS, retryMaxMs: 30_000 };

interface State {
  buffer: UsageEvent[];
  timer: NodeJS.Timeout | null;
  /** When the pending timer fires. */
  timerDue: number;
  flushing: Promise<void> | null;
  /** The one flush that follows the current one, shared by every caller that asked meanwhile. */
  next: Promise<void> | null;
  /** No write before this (set by a failed write), and how many writes in a row have failed. */
  retryAt: number;
  failuresInRow: number;
  /** Since when writes have been failing (null: the last one succeeded), and when that was last logged. */
  failingSince: number | null;
  failureLoggedAt: number;
  written: number;
  dropped: number;
  /** Events the database refused (bad data, not a lost connection). */
  refused: number;
  /** Events written since the tables were last analyzed, and how many make it due (null: not read yet). */
  sinceAnalyze: number;
  analyzeDue: number | null;
  /** Time spent in batch writes and the statistics they keep current (ms): wall time, and the
   * process's CPU time over it (on the embedded database a batch holds the event loop
   * throughout, so that CPU is its own). */
  writeMs: number;
  writeCpuMs: number;
  /** Cost per key of events not yet written (buffered or being written), for budgets. */
  pendingCost: Map<string, number>;
  /** How long an event may wait for its batch, and the most events a batch holds (null: not read yet). */
  windowMs: number;
  batchLimit: number | null;
}

const state: State = processSingleton("usageRecorder", () => ({
  buffer: [],
  timer: null,
  timerDue: 0,
  flushing: null,
  next: null,
  retryAt: 0,
  failuresInRow: 0,
  failingSince: null,
  failureLoggedAt: 0,
  written: 0,
  dropped: 0,
  refused: 0,
  sinceAnalyze: 0,
  analyzeDue: null,
  writeMs: 0,
  writeCpuMs: 0,
  pendingCost: new Map(),
  windowMs: FLUSH_EVERY_MS,
  batchLimit: null,
}));

/** Until the writer has said (at the first write), a batch fills at the smallest limit. */
const batchLimit = () => state.batchLimit ?? 1_000;

/** One timer at most: a sooner flush replaces a later one. */
function schedule(delayMs = state.windowMs): void {
  if (state.buffer.length === 0) return;
  const due = Date.now() + Math.max(delayMs, state.retryAt - Date.now(), 0);
  if (state.timer) {
    if (state.timerDue <= due) return;
    clearTimeout(state.timer);
  }
  state.timerDue = due;
  state.timer = setTimeout(() => {
    state.timer = null;
    void flushUsage();
  }, due - Date.now());
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

// What Postgres cannot store would fail the whole batch: text with NUL or a lone surrogate in it
// (cutting a name to length can split a pair too), names too long for
// the rollups' primary-key index (a model name comes from the caller's request), counts that
// are not int4 (an upstream may report 12.5 or 3e9 tokens), costs that are not finite.
const MAX_NAME = 256;
const MAX_INT4 = 2_147_483_647;
const storableText = (s: string, max: number) => {
  const cut = s.length > max ? s.slice(0, max) : s;
  return (cut.includes("\0") ? cut.replaceAll("\0", "\uFFFD") : cut).toWellFormed();
};
const storableCount = (n: number) => (n > 0 ? Math.min(Math.round(n), MAX_INT4) : 0); // NaN > 0 is false

function storable(e: UsageEvent): UsageEvent {
  e.model = storableText(e.model, MAX_NAME);
  e.provider = storableText(e.provider, MAX_NAME);
  e.endpoint = storableText(e.endpoint, 4 * MAX_NAME);
  e.inputTokens = storableCount(e.inputTokens);
  e.outputTokens = storableCount(e.outputTokens);
  e.cachedInputTokens = storableCount(e.cachedInputTokens);
  e.latencyMs = storableCount(e.latencyMs);
  if (e.ttfbMs !== null && e.ttfbMs !== undefined) e.ttfbMs = storableCount(e.ttfbMs);
  // A cost that is not a number (1e308 tokens priced) is unknown, as for an unpriced model.
  if (e.costUsd !== null && e.costUsd !== undefined && !Number.isFinite(e.costUsd)) e.costUsd = null;
  return e;
}

export function recordUsage(event: UsageEvent): void {
  storable(event);
  addPending([event], 1);
  if (state.buffer.length >= limits.maxBuffered) {
    // The database has been away for a long time: keep the newest, say so loudly.
    addPending([state.buffer.shift()!], -1);
    if (state.dropped++ % 1000 === 0) {
      console.error(`[neuronedge] usage buffer full (${limits.maxBuffered} events): dropping the oldest; ${state.dropped} dropped so far`);
    }
  }
  state.buffer.push(event);
  // A full batch is written at once, unless a write is under way (it takes this one too) or just failed.
  schedule(state.buffer.length >= batchLimit() && !state.flushing ? 0 : state.windowMs);
}

// The embedded database is analyzed here (db/queries/usage-write.ts says why) each time the
// events table has doubled since it last was, and at once when it never was: a handful of
// short pauses over a database's life. The planner scales what it learnt to the table's size.
const ANALYZE_AT_LEAST = 10_000;

async function analyzeIfGrown(written: number): Promise<void> {
  try {
    if (state.analyzeDue === null) {
      const rows = await usageEventsAnalyzedRows();
      state.analyzeDue = rows === null ? Number.POSITIVE_INFINITY : rows < 0 ? 0 : Math.max(ANALYZE_AT_LEAST, rows);
    }
    state.sinceAnalyze += written;
    if (state.sinceAnalyze < state.analyzeDue) return;
    await analyzeUsageTables();
    state.sinceAnalyze = 0;
    state.analyzeDue = Math.max(ANALYZE_AT_LEAST, (await usageEventsAnalyzedRows()) ?? 0);
  } catch (err) {
    // Statistics are an optimisation: the events are written; try again after the next batch.
    console.error("[neuronedge] could not analyze the usage tables:", describeError(err));
  }
}

function writeFailed(err: unknown): void {
  const now = Date.now();
  // Backing off: a database that is down is not asked again every second by every instance.
  state.failuresInRow++;
  state.retryAt = now + Math.min(limits.retryMs * 2 ** Math.min(state.failuresInRow - 1, 20), limits.retryMaxMs);
  if (state.failingSince !== null && now - state.failureLoggedAt < FAILURE_LOG_EVERY_MS) return;
  const since = state.failingSince === null ? "" : ` (failing for ${Math.round((now - state.failingSince) / 1000)} s)`;
  state.failingSince ??= now;
  state.failureLoggedAt = now;
  console.error(`[neuronedge] could not write usage events, will retry; ${state.buffer.length} buffered${since}:`, describeError(err));
}

function writeSucceeded(): void {
  if (state.failingSince === null) return;
  console.error(
    `[neuronedge] usage events are being written again after ${Math.round((Date.now() - state.failingSince) / 1000)} s of failures`,
  );
  state.failingSince = null;
  state.retryAt = 0;
  state.failuresInRow = 0;
}

/** Widens the window while batches are mostly rollup groups (many keys), narrows it back after. */
function adaptWindow(events: number, groups: number): void {
  if (batchLimit() <= 1_000 || events < 1_000) return;
  if (groups > events * GROW_ABOVE) state.windowMs = Math.min(state.windowMs * 4, MAX_WINDOW_MS);
  else if (groups < events * SHRINK_BELOW) state.windowMs = Math.max(state.windowMs / 2, FLUSH_EVERY_MS);
}

/** Bad data (SQLSTATE classes 22 and 23) or a program limit (54): retrying cannot help. Drizzle
 * wraps the driver's error in its own, with the original as the cause. */
function refusedOutright(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  return /^(22|23|54)/.test(String(e.code ?? e.cause?.code ?? ""));
}

async function drain(): Promise<void> {
  while (state.buffer.length > 0) {
    // A refused batch is halved until the refused events are alone; the rest is written.
    state.batchLimit ??= await usageBatchLimit();
    const parts = [state.buffer.splice(0, state.batchLimit)];
    while (parts.length > 0) {
      const part = parts.shift()!;
      try {
        const written = await insertUsageBatch({ events: part });
        if (parts.length === 0) adaptWindow(part.length, written.groups);
        state.written += part.length;
        addPending(part, -1);
        writeSucceeded();
        const started = performance.now();
        const cpu = process.cpuUsage();
        await analyzeIfGrown(part.length);
        const spent = process.cpuUsage(cpu);
        state.writeMs += written.wallMs + performance.now() - started;
        state.writeCpuMs += written.cpuMs + (spent.user + spent.system) / 1000;
      } catch (err) {
        if (!refusedOutright(err)) {
          state.buffer.unshift(...part, ...parts.flat());
          writeFailed(err);
          return;
        }
        if (part.length > 1) {
          const half = part.length >> 1;
          parts.unshift(part.slice(0, half), part.slice(half));
          continue;
        }
        state.refused++;
        addPending(part, -1);
        console.error(`[neuronedge] the database refused a usage event of key ${part[0].keyId}, dropped it:`, describeError(err));
      }
    }
  }
}

/** One drain at a time, none before retryAt; an urgent one (a stop) waits at most RETRY_MS for it. */
async function drainOnce(urgent: boolean): Promise<void> {
  const wait = state.retryAt - Date.now();
  if (wait > 0) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, limits.retryMs)));
    if (!urgent && Date.now() < state.retryAt) return;
  }
  if (state.flushing) return state.flushing;
  if (state.buffer.length === 0) return;
  if (state.timer) {
    clearTimeout(state.timer);
    state.timer = null;
  }
  state.flushing = drain().finally(() => {
    state.flushing = null;
    schedule(); // what arrived meanwhile, or a retry after a failure
  });
  return state.flushing;
}

/**
 * Writes everything buffered so far (one attempt: after a failure, the events stay buffered for
 * the next). While writes are backing off it waits a second at most and writes nothing, unless
 * `urgent` (a stop, which has no later attempt): then it tries at once.
 */
export async function flushUsage({ urgent = false }: { urgent?: boolean } = {}): Promise<void> {
  // Whole answers are metered in a setImmediate just after they are sent (lib/gateway/call-record.ts):
  // one turn of the loop lets those already scheduled record their events before this write.
  await new Promise((resolve) => setImmediate(resolve));
  if (!state.flushing) return drainOnce(urgent);
  // A write is under way and may not hold our events: every caller meanwhile shares the one after it.
  const current = state.flushing;
  const run = () => {
    state.next = null;
    return drainOnce(urgent);
  };
  state.next ??= current.then(run, run);
  return state.next;
}

/** Tests shrink the buffer and the backoff to show their bounds without a million events or minutes. */
export function usageRecorderLimits(next: Partial<typeof limits> = {}): typeof limits {
  return Object.assign(limits, next);
}

export function usageRecorderStats() {
  return {
    buffered: state.buffer.length,
    written: state.written,
    dropped: state.dropped,
    refused: state.refused,
    writeMs: state.writeMs,
    writeCpuMs: state.writeCpuMs,
    windowMs: state.windowMs,
  };
}
