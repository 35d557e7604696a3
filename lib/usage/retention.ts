import type { Db } from "@/db/client";
import {
  analyzePartition,
  asMaintenanceRun,
  attachMonthPartition,
  defaultRowsIn,
  deleteEventBatch,
  dropEventPartition,
  type EventPartition,
  listEventPartitions,
  partitionsToAnalyze,
} from "@/db/queries/retention";
import { describeError } from "@/lib/db-errors";
import { getEnv } from "@/lib/env";
import { monthsToKeepReady } from "./partitions";

// Raw usage events are kept USAGE_RETENTION_DAYS (0: for ever); the rollups always. A run makes the
// coming months' partitions, drops the partitions wholly older than the cutoff, and deletes the
// older events of the month straddling it (and of the default partition) in bounded batches with a
// pause between them, so that neither Postgres nor the embedded database (which runs on the
// gateway's event loop) is held for long. What a run's bound leaves is the next run's.

/** Months made ahead of need, so that the default partition stays empty. */
export const MONTHS_AHEAD = 3;
/** A month's events found in the default partition move into its new partition in one transaction up to this many. */
const MOVE_MAX = 100_000;
const DAY_MS = 86_400_000;

export interface PruneLimits {
  /** Events one statement deletes at most. */
  batchRows: number;
  /** Statements a run makes at most, over all partitions. */
  maxBatches: number;
  /** Pause between two batches, in which other queries (and, embedded, the gateway) run. */
  pauseMs: number;
  /** Partitions a run drops at most. */
  maxDrops: number;
}

/** On the embedded database a batch holds the gateway's event loop: smaller ones, longer pauses (docs/performance.md). */
export function defaultPruneLimits(): PruneLimits {
  return getEnv().dbDriver === "pglite"
    ? { batchRows: 2_000, maxBatches: 100, pauseMs: 50, maxDrops: 6 }
    : { batchRows: 10_000, maxBatches: 200, pauseMs: 20, maxDrops: 24 };
}

export interface UpkeepReport {
  created: string[];
  /** Events moved out of the default partition into a month's new partition. */
  moved: number;
  /** Months left without a partition (their events stay in the default one): why, one line each. */
  problems: string[];
}

const overlaps = (p: EventPartition, from: Date, to: Date) =>
  !p.isDefault && (p.fromMs ?? Number.NEGATIVE_INFINITY) < to.getTime() && (p.toMs ?? Number.POSITIVE_INFINITY) > from.getTime();

/** Makes this month's and the next MONTHS_AHEAD months' partitions where they are missing. */
export async function ensureEventPartitions(db: Db, now = new Date(), ahead = MONTHS_AHEAD): Promise<UpkeepReport> {
  const report: UpkeepReport = { created: [], moved: 0, problems: [] };
  const existing = await listEventPartitions(db);
  for (const month of monthsToKeepReady(now, ahead)) {
    if (existing.some((p) => overlaps(p, month.from, month.to))) continue;
    try {
      const waiting = await defaultRowsIn(db, month.from, month.to, MOVE_MAX);
      if (waiting > MOVE_MAX) {
        report.problems.push(`${month.name}: over ${MOVE_MAX} of its events are in the default partition, left there`);
        continue;
      }
      await attachMonthPartition(db, month, waiting > 0);
      report.created.push(month.name);
      report.moved += waiting;
    } catch (err) {
      report.problems.push(`${month.name}: ${describeError(err)}`);
    }
  }
  return report;
}

export interface PruneReport {
  /** Events older than this are pruned. */
  cutoff: Date;
  dropped: string[];
  deleted: number;
  batches: number;
  /** The run stopped at one of its bounds: older events remain for the next run. */
  more: boolean;
  problems: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export async function pruneEvents(
  db: Db,
  {
    now,
    retentionDays,
    limits,
    shouldStop = () => false,
  }: { now: Date; retentionDays: number; limits: PruneLimits; shouldStop?: () => boolean },
): Promise<PruneReport> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const report: PruneReport = { cutoff, dropped: [], deleted: 0, batches: 0, more: false, problems: [] };
  const partitions = await listEventPartitions(db);
  const whole = partitions.filter((p) => !p.isDefault && p.toMs !== null && p.toMs <= cutoff.getTime());
  for (const p of whole.slice(0, limits.maxDrops)) {
    if (shouldStop()) return { ...report, more: true };
    try {
      await dropEventPartition(db, p.name);
      report.dropped.push(p.name);
    } catch (err) {
      // Most likely its lock was not had in time: the next run tries again.
      report.problems.push(`${p.name}: ${describeError(err)}`);
    }
  }
  report.more = whole.length > limits.maxDrops;
  const straddling = partitions.filter((p) => !whole.includes(p) && (p.fromMs ?? Number.NEGATIVE_INFINITY) < cutoff.getTime());
  for (const p of straddling) {
    let after: Date | null = null;
    for (;;) {
      if (report.batches >= limits.maxBatches || shouldStop()) return { ...report, more: true };
      if (report.batches > 0) await sleep(limits.pauseMs);
      const r = await deleteEventBatch(db, p.name, { before: cutoff, after, limit: limits.batchRows });
      report.batches++;
      report.deleted += r.deleted;
      if (r.deleted < limits.batchRows || r.lastMs === null) break;
      after = new Date(r.lastMs);
    }
  }
  return report;
}

export interface MaintenanceReport {
  upkeep: UpkeepReport;
  /** Null when raw events are kept for ever. */
  prune: PruneReport | null;
  /** Embedded only: the partitions whose statistics were renewed. */
  analyzed: string[];
}

/** Partitions analyzed in one run at most: each holds the embedded database's event loop ~10-20 ms. */
const ANALYZE_PER_RUN = 2;

async function analyzeGrown(db: Db): Promise<string[]> {
  if (getEnv().dbDriver !== "pglite") return []; // autovacuum's job there
  const names = await partitionsToAnalyze(db, ANALYZE_PER_RUN);
  for (const name of names) await analyzePartition(db, name);
  return names;
}

export interface MaintenanceOptions {
  now?: Date;
  /** Default: USAGE_RETENTION_DAYS. */
  retentionDays?: number;
  limits?: Partial<PruneLimits>;
  shouldStop?: () => boolean;
}

/** One maintenance run; null when another instance's run holds the lock (Postgres). */
export function runUsageMaintenance(opts: MaintenanceOptions = {}): Promise<MaintenanceReport | null> {
  const now = opts.now ?? new Date();
  const retentionDays = opts.retentionDays ?? getEnv().USAGE_RETENTION_DAYS;
  const limits = { ...defaultPruneLimits(), ...opts.limits };
  return asMaintenanceRun(async (db) => ({
    upkeep: await ensureEventPartitions(db, now),
    prune: retentionDays > 0 ? await pruneEvents(db, { now, retentionDays, limits, shouldStop: opts.shouldStop }) : null,
    analyzed: await analyzeGrown(db),
  }));
}

/** The run's one log line; null when there is nothing to say (kept for ever, nothing made). */
export function describeMaintenance(r: MaintenanceReport, retentionDays: number): string | null {
  const parts: string[] = [];
  if (r.upkeep.created.length) {
    const moved = r.upkeep.moved ? ` (${r.upkeep.moved} events moved from the default partition)` : "";
    parts.push(`made partitions ${r.upkeep.created.join(", ")}${moved}`);
  }
  const p = r.prune;
  if (p) {
    const dropped = p.dropped.length ? ` (${p.dropped.join(", ")})` : "";
    parts.push(
      `retention ${retentionDays} days, events before ${p.cutoff.toISOString()}: dropped ${p.dropped.length} ${p.dropped.length === 1 ? "partition" : "partitions"}${dropped}, ` +
        `deleted ${p.deleted} events in ${p.batches} ${p.batches === 1 ? "batch" : "batches"}${p.more ? ", more left for the next run" : ""}`,
    );
  }
  const problems = [...r.upkeep.problems, ...(p?.problems ?? [])];
  if (problems.length) parts.push(`problems: ${problems.join("; ")}`);
  return parts.length ? `[neuronedge] usage maintenance: ${parts.join("; ")}` : null;
}
