// The bench's arithmetic: pure functions over lists of timings.

/** The q-quantile (0..1) of an ascending list, nearest rank; NaN for an empty list. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** An ascending copy (a typed array sorts numerically, where Array#sort would compare strings). */
export const sortNumbers = (xs: number[]) => Float64Array.from(xs).sort();

/** Rounded for results.json; null for NaN and infinities, which JSON cannot hold. */
export const round = (x: number, digits = 3) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

/** The lower middle value of a list (an element of it, so the round it came from can be found). */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

export interface Timed {
  /** performance.now() when the response ended. */
  endedAt: number;
  /** How long it took, in ms. */
  ms: number;
}

/** The durations of the requests that were in flight at some moment of [start, end], ascending. */
export function overlapping(requests: Timed[], start: number, end: number): Float64Array {
  return sortNumbers(requests.filter((d) => d.endedAt >= start && d.endedAt - d.ms <= end).map((d) => d.ms));
}
