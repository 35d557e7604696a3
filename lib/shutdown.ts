import type { Server } from "node:http";
import { beginDrain, flushAllUsage, openCalls, whenCallsEnd } from "@/lib/lifecycle";

// A stop that cuts nothing it need not: readiness fails first, the listener stays open for the
// drain delay (a load balancer takes that long to notice), open requests and streams get a
// grace period, what is still open then is cut (its usage recorded as aborted, with the tokens
// seen so far), and every usage event is written before the process exits.

export interface ShutdownOptions {
  server: Server;
  /** Time between failing readiness and refusing new connections. */
  drainMs: number;
  /** Time open requests get, after the listener closes, before they are cut. */
  graceMs: number;
  /** How long the last usage write may keep trying (the database may be away). */
  flushMs?: number;
  log?: (line: string) => void;
}

export interface ShutdownReport {
  /** Gateway calls still open when the grace period ended, cut. */
  cut: number;
  /** Usage events that could not be written before the deadline (logged). */
  unwritten: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Once the calls were cut, how long their unwinding (and usage recording) may take. */
const UNWIND_MS = 5_000;

export async function drainAndStop({
  server,
  drainMs,
  graceMs,
  flushMs = 10_000,
  log = console.log,
}: ShutdownOptions): Promise<ShutdownReport> {
  beginDrain();
  if (drainMs > 0) {
    log(`Draining: readiness fails; new connections are still taken for ${drainMs} ms.`);
    await sleep(drainMs);
  }
  const closed = new Promise<void>((r) => server.close(() => r()));
  server.closeIdleConnections();
  // A keep-alive connection whose answer began before the drain goes idle after it, not closed.
  const sweep = setInterval(() => server.closeIdleConnections(), 250);
  const open = openCalls();
  if (open > 0) log(`Finishing ${open} open gateway ${open === 1 ? "call" : "calls"} (up to ${graceMs} ms)…`);
  const finished = await Promise.race([closed.then(() => true), sleep(graceMs).then(() => false)]);
  clearInterval(sweep);
  let cut = 0;
  if (!finished) {
    cut = openCalls();
    if (cut > 0) log(`Cutting ${cut} gateway ${cut === 1 ? "call" : "calls"} still open after ${graceMs} ms; recorded as aborted.`);
    server.closeAllConnections();
    await whenCallsEnd(UNWIND_MS);
  }
  const unwritten = await flushAllUsage(flushMs);
  if (unwritten > 0) log(`Could not write ${unwritten} usage events before stopping: the database did not answer.`);
  return { cut, unwritten };
}
