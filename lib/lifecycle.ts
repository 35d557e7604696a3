import { processSingleton } from "@/lib/singleton";
import { flushUsage, usageRecorderStats } from "@/lib/usage/recorder";

// The instance's life as a load balancer sees it: ready, then draining after SIGTERM (readiness
// fails, answers ask clients to reconnect elsewhere), and the gateway calls still open, so that a
// stop can wait for them and write every usage event they leave behind.

const state = processSingleton("lifecycle", () => ({
  drainingSince: null as number | null,
  open: 0,
  idle: new Set<() => void>(),
}));

export function isDraining(): boolean {
  return state.drainingSince !== null;
}

export function beginDrain(): void {
  state.drainingSince ??= Date.now();
}

/** A gateway call starts; the function returned ends it, once its usage event is recorded. */
export function trackCall(): () => void {
  state.open++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    if (--state.open === 0) for (const wake of state.idle) wake();
  };
}

export function openCalls(): number {
  return state.open;
}

/** True when every open call has ended within `timeoutMs`. */
export function whenCallsEnd(timeoutMs: number): Promise<boolean> {
  if (state.open === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      state.idle.delete(wake);
      resolve(ok);
    };
    const wake = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    state.idle.add(wake);
  });
}

/**
 * Writes the usage buffer until it is empty or `timeoutMs` has passed, and returns how many events
 * are left unwritten. `urgent` (a stop: no later chance) retries every second whatever the
 * backoff; otherwise (a serverless request's after()) attempts keep to the recorder's backoff, and
 * concurrent callers share each write, so an outage is not hammered by every request.
 */
export async function flushAllUsage(timeoutMs: number, { urgent = true }: { urgent?: boolean } = {}): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  // At least once: a write already under way holds events the buffer no longer counts.
  do {
    await Promise.race([flushUsage({ urgent }), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref())]);
  } while (usageRecorderStats().buffered > 0 && Date.now() < deadline);
  return usageRecorderStats().buffered;
}
