import type { KeyActivity } from "@/db/queries/usage-read";

// "Review recent usage for suspicious activity": a key whose last hour runs far
// above its usual hourly rate, or whose error rate jumps, gets a notice on its page.
// Small numbers never trigger it: five requests after a quiet week are not an incident.

export const ANOMALY = {
  /** The last hour must be at least this many times the usual hourly rate… */
  rateFactor: 5,
  /** …and at least this many requests. */
  minRequests: 50,
  /** An error rate this high, at least this many errors, and well above the usual rate. */
  errorRate: 0.25,
  minErrors: 10,
  errorFactor: 3,
} as const;

export type Anomaly =
  | { kind: "traffic"; lastHour: number; usualPerHour: number }
  | { kind: "errors"; lastHourRate: number; usualRate: number; errors: number };

export function detectAnomalies(a: KeyActivity): Anomaly[] {
  const out: Anomaly[] = [];
  const usualPerHour = a.baseline.requests / a.baseline.hours;
  if (a.lastHour.requests >= ANOMALY.minRequests && a.lastHour.requests >= ANOMALY.rateFactor * Math.max(usualPerHour, 1)) {
    out.push({ kind: "traffic", lastHour: a.lastHour.requests, usualPerHour });
  }
  const rate = a.lastHour.requests > 0 ? a.lastHour.errors / a.lastHour.requests : 0;
  const usualRate = a.baseline.requests > 0 ? a.baseline.errors / a.baseline.requests : 0;
  if (a.lastHour.errors >= ANOMALY.minErrors && rate >= ANOMALY.errorRate && rate >= ANOMALY.errorFactor * usualRate) {
    out.push({ kind: "errors", lastHourRate: rate, usualRate, errors: a.lastHour.errors });
  }
  return out;
}
