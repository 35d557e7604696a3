import { keysChangedSince } from "@/db/queries/keys";
import { getEnv } from "@/lib/env";
import { processSingleton } from "@/lib/singleton";

// One read of the keys changed lately (revoked, disabled, enabled, rolled, re-configured), every
// half KEY_CACHE_TTL_MS, instead of one read per verified key per TTL: with thousands of active
// keys the per-key reads were the instance's ceiling. A change read here marks that key's
// verifications stale (the verifier re-reads its row on its next use). While the reads succeed,
// what the verifier holds is at most about a TTL old, as before; when they fail (database away,
// a frozen serverless instance), the verifier falls back to its per-key re-reads.

/** Rows a read takes at most; a busy minute is read in several pages, up to PAGES a tick. */
const LIMIT = 1_000;
const PAGES = 10;
/** A change whose transaction commits late carries an earlier time: each read looks this far back. */
const OVERLAP_MS = 5_000;

const state = processSingleton("keyChangeFeed", () => ({
  timer: null as NodeJS.Timeout | null,
  polling: false,
  /** Database time of the newest change read. */
  since: null as Date | null,
  /** Changes already applied within the overlap, so a key is not marked stale on every read. */
  applied: new Map<string, number>(),
  /** Local time a successful read started: everything committed before it has been applied. */
  lastGoodRead: null as number | null,
  reads: 0,
  onChange: null as ((id: string) => void) | null,
}));

const intervalMs = () => Math.max(250, Math.floor(getEnv().KEY_CACHE_TTL_MS / 2));

async function read(): Promise<void> {
  if (state.polling) return;
  state.polling = true;
  const started = Date.now();
  try {
    // The first page looks back by the overlap; the next ones carry on from the last row read.
    let cursor = { since: new Date((state.since?.getTime() ?? started - 60_000) - OVERLAP_MS), afterId: "" };
    for (let page = 0; page < PAGES; page++) {
      state.reads++;
      const rows = await keysChangedSince({ ...cursor, limit: LIMIT });
      for (const r of rows) {
        const at = r.changedAt.getTime();
        if (state.applied.get(r.id) === at) continue;
        state.applied.set(r.id, at);
        state.onChange?.(r.id);
      }
      const last = rows.at(-1);
      if (last) cursor = { since: last.changedAt, afterId: last.id };
      if (last && (!state.since || last.changedAt > state.since)) state.since = last.changedAt;
      // Forget what has left the overlap; the map holds a few seconds of changes.
      const horizon = (state.since?.getTime() ?? 0) - 2 * OVERLAP_MS;
      for (const [id, at] of state.applied) if (at < horizon) state.applied.delete(id);
      if (rows.length < LIMIT) {
        state.lastGoodRead = started;
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
  state.since = null;
  state.applied.clear();
}

export function changeFeedStats() {
  return { reads: state.reads, running: state.timer !== null, lastGoodRead: state.lastGoodRead };
}
