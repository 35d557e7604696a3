// The raw usage events' monthly partitions: their names and bounds (UTC months), as migration 0007
// made the first ones, so that upkeep and retention agree with it.

export interface MonthPartition {
  /** usage_events_YYYY_MM */
  name: string;
  from: Date;
  to: Date;
}

/** The UTC month starting `monthsAfter` months after the one holding `at`. */
export function monthPartition(at: Date, monthsAfter = 0): MonthPartition {
  const from = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + monthsAfter, 1));
  const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
  const month = String(from.getUTCMonth() + 1).padStart(2, "0");
  return { name: `usage_events_${from.getUTCFullYear()}_${month}`, from, to };
}

/** This month and the `ahead` next ones, which upkeep keeps in place before any event needs them. */
export function monthsToKeepReady(now: Date, ahead: number): MonthPartition[] {
  return Array.from({ length: ahead + 1 }, (_, i) => monthPartition(now, i));
}
