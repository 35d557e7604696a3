import { databaseNow, keysChangedSince } from "@/db/queries/keys";
import { getEnv } from "@/lib/env";
import { processSingleton } from "@/lib/singleton";

// One read of the keys changed lately (revoked, disabled, enabled, rolled, re-configured), every
// half KEY_CACHE_TTL_MS, instead of one read per verified key per TTL: with thousands of active
// keys the per-key reads were the instance's ceiling. A change read here marks that key's
// verifications stale (the verifier re-reads its row on its next use). While the reads succeed,
// what the verifier holds is at most about a TTL old, as before; when they fail (database away,
// a frozen serverless instance), the verifier falls back to its per-key re-reads.

/** Rows a read takes at most; a busy minute is read in several pages, up to `pages` a tick. */
const limits = { pageRows: 1_000, pages: 10 };
/** A change whose statement commits late carries an earlier time: each pass looks this far back. */
const OVERLAP_MS = 1_000;

const state = processSingleton("keyChangeFeed", () => ({
  timer: null as NodeJS.Timeout | null,
  polling: false,
  /** Where the next pass starts (database time): the last pass's start less the overlap. */
  resumeFrom: null as Date | null,
  /** Changes already applied within the overlap, so a key is not marked stale on every read. */
  applied: new Map<string, number>(),
  /** Local time a successful read started: everything committed before it has been applied. */
  lastGoodRead: null as number | null,
  /** A read that has not caught up yet: the next tick carries on from its cursor, not from the start. */
  pass: null as { startedAt: number; dbStart: Date; cursor: { since: Date | string; afterId: string } } | null,
  reads: 0,
  onChange: null as ((id: string) => void) | null,
}));

const intervalMs = () => Math.max(250, Math.floor(getEnv().KEY_CACHE_TTL_MS / 2));

async function startPass(): Promise<NonNullable<typeof state.pass>> {
  const startedAt = Date.now();
  // Only changes that began after the previous pass started, less the overlap, can be missing.
  const dbStart = await databaseNow();
  return { startedAt, dbStart, cursor: { since: state.resumeFrom ?? new Date(startedAt - 60_000), afterId: "" } };
}

async function read(): Promise<void> {
  if (state.polling) return;
  state.polling = true;
  try {
    // A pass carries on from tick to tick until it has caught up, so a burst of changes is read
    // once; each page continues from the last row read (keyset on changed_at, id).
    const pass = (state.pass ??= await startPass());
    for (let page = 0; page < limits.pages; page++) {
      state.reads++;
      const rows = await keysChangedSince({ ...pass.cursor, limit: limits.pageRows });
      for (const r of rows) {
        const at = r.changedAt.getTime();
        if (state.applied.get(r.id) === at) continue;
        state.applied.set(r.id, at);
        state.onChange?.(r.id);
      }
      const last = rows.at(-1);
      if (last) pass.cursor = { since: last.at, afterId: last.id };
      if (rows.length < limits.pageRows) {
        state.resumeFrom = new Date(pass.dbStart.getTime() - OVERLAP_MS);
        // What is older than the next pass's start can never be read again: forget it.
        const horizon = state.resumeFrom.getTime() - OVERLAP_MS;
        for (const [id, at] of state.applied) if (at < horizon) state.applied.delete(id);
        state.lastGoodRead = pass.startedAt;
        state.pass = null;
        return;
      }
    }
  } catch {
    // The database is away: the verifier's own per-key re-reads take over until a read succeeds.
  } finally {
    state.polling = false;
  }
}

/** Starts the reads once per process (the verifier calls it before it trusts anything it holds). */
export function startKeyChangeFeed(onChange: (id: string) => void): void {
  state.onChange = onChange;
  if (state.timer) return;
  state.timer = setInterval(() => void read(), intervalMs());
  state.timer.unref();
  void read();
}

/** True while the reads keep up (one succeeded within the TTL): a verified key needs no re-read of its own. */
export function changeFeedCovers(now: number): boolean {
  const good = state.lastGoodRead;
  return good !== null && now - good < getEnv().KEY_CACHE_TTL_MS;
}

export function stopKeyChangeFeed(): void {
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
  state.lastGoodRead = null;
  state.pass = null;
  state.resumeFrom = null;
  state.applied.clear();
}

export function changeFeedStats() {
  return { reads: state.reads, running: state.timer !== null, lastGoodRead: state.lastGoodRead };
}

/** Tests shrink the pages to show that a read walks past many changes without repeating one. */
export function changeFeedLimits(next: Partial<typeof limits> = {}): typeof limits {
  return Object.assign(limits, next);
}
