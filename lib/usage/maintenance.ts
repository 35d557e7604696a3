import { describeError } from "@/lib/db-errors";
import { getEnv } from "@/lib/env";
import { processSingleton } from "@/lib/singleton";
import { describeMaintenance, runUsageMaintenance } from "./retention";

// The node server's maintenance timer (server.ts): partition upkeep and retention off the request
// path, one run at a time, every hour, and again a minute after a run that its bounds stopped
// short. The timer never keeps the process alive, and a stop waits for the run under way to end
// at its next batch.

export interface MaintenanceSchedule {
  /** The first run, after start (the migrations already made this month's partitions). */
  firstMs: number;
  everyMs: number;
  /** After a run that left older events behind. */
  againMs: number;
  log: (line: string) => void;
}

const DEFAULT_SCHEDULE: MaintenanceSchedule = { firstMs: 60_000, everyMs: 3_600_000, againMs: 60_000, log: console.log };

const state = processSingleton("usageMaintenance", () => ({
  timer: null as NodeJS.Timeout | null,
  running: null as Promise<void> | null,
  stopping: false,
  runs: 0,
}));

async function runOnce(schedule: MaintenanceSchedule): Promise<number> {
  const retentionDays = getEnv().USAGE_RETENTION_DAYS;
  try {
    const report = await runUsageMaintenance({ retentionDays, shouldStop: () => state.stopping });
    state.runs++;
    if (!report) return schedule.everyMs; // another instance's run holds the lock
    const line = describeMaintenance(report, retentionDays);
    if (line) schedule.log(line);
    return report.prune?.more ? schedule.againMs : schedule.everyMs;
  } catch (err) {
    schedule.log(`[neuronedge] usage maintenance failed, will try again: ${describeError(err)}`);
    return schedule.everyMs;
  }
}

function arm(schedule: MaintenanceSchedule, delayMs: number): void {
  if (state.stopping) return;
  state.timer = setTimeout(() => {
    state.timer = null;
    state.running = runOnce(schedule).then((next) => {
      state.running = null;
      arm(schedule, next);
    });
  }, delayMs);
  state.timer.unref();
}

export function startUsageMaintenance(over: Partial<MaintenanceSchedule> = {}): void {
  if (state.timer || state.running) return;
  state.stopping = false;
  const schedule = { ...DEFAULT_SCHEDULE, ...over };
  arm(schedule, schedule.firstMs);
}

/** Stops the timer and waits for a run under way, which ends at its next batch. */
export async function stopUsageMaintenance(): Promise<void> {
  state.stopping = true;
  if (state.timer) clearTimeout(state.timer);
  state.timer = null;
  await state.running;
}

export function usageMaintenanceRuns(): number {
  return state.runs;
}
