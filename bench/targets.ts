// The figures the bench aims for, in one table: the report prints each target's text beside its
// measurement and judges it here. A missed target is reported, not fatal (only errors are).
import { round } from "./lib/stats";

export interface Goal {
  /** What the table's Target column says. */
  target: string;
  /** Whether a measured value meets it; NaN (not measured) never does. */
  met(value: number): boolean;
  /** Digits the value keeps in results.json (unrounded when absent). */
  digits?: number;
}

export const TARGETS = {
  /** Gateway req/s ÷ direct req/s, the median round. */
  throughputVsDirect: { target: "≥ 0.45× direct", met: (x) => x >= 0.45, digits: 2 },
  /** Usage events, hourly and daily rollups that differ from the requests answered (the worst of the three). */
  usageRecorded: { target: "every request, once", met: (x) => x === 0 },
  /** Gateway req/s ÷ Portkey req/s. */
  throughputVsPortkey: { target: "≥ 3× Portkey", met: (x) => x >= 3, digits: 2 },
  /** Gateway p50 − direct p50 at one connection, ms. */
  addedLatencyMs: { target: "< 0.5 ms", met: (x) => x < 0.5, digits: 3 },
  /** First-chunk p50 the gateway adds to a stream (over direct) ÷ what the bare proxy adds, same run. */
  firstChunkVsBare: { target: "≤ 1.2× the bare proxy's", met: (x) => x <= 1.2, digits: 2 },
  /** Peak RSS of the /v1 door with the slow streams open, MB. */
  gatewayRssMb: { target: "< 300 MB", met: (x) => x < 300, digits: 1 },
  /** Peak RSS of the whole `npm start` server with the slow streams open, MB. */
  appRssMb: { target: "< 300 MB", met: (x) => x < 300, digits: 1 },
  /** Cached-key p99 while never-seen keys verify ÷ its idle p99. */
  coldVsIdle: { target: "≤ 3× idle", met: (x) => x <= 3, digits: 2 },
  /** Cached-key p99 during a flood of forged secrets ÷ its idle p99. */
  floodVsIdle: { target: "≤ 3× idle", met: (x) => x <= 3, digits: 2 },
  /** Throughput with the many-keys phase's largest step of verified keys, against one key, same run. */
  manyKeysVsOne: { target: "≥ 0.9× one key", met: (x) => x >= 0.9, digits: 2 },
  /** Against the cheap upstream, side by side: the gateway's requests a second over the bare proxy's. */
  cheapVsBare: { target: "≥ 0.9× bare proxy", met: (x) => x >= 0.9, digits: 2 },
  /** Against the cheap upstream, side by side: the gateway's requests a second over Portkey's. */
  cheapVsPortkey: { target: "≥ 5× Portkey", met: (x) => x >= 5, digits: 2 },
  /** Errors: failed requests, non-2xx answers, children that died. */
  errors: { target: "0", met: (x) => x === 0 },
} satisfies Record<string, Goal>;

export interface Judged {
  target: string;
  met: boolean;
  /** What results.json records as the value. */
  value: number | null;
}

/** Judges `measured` against a goal; `recorded` is the value written down when it is not the measured one. */
export function judge(goal: Goal, measured: number, recorded = measured): Judged {
  return { target: goal.target, met: goal.met(measured), value: goal.digits === undefined ? recorded : round(recorded, goal.digits) };
}
