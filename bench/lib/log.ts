// The bench's progress log and its one list of errors: anything that errs (a failed request, a
// child that died) lands here, and any entry makes the run exit 1.
const startedAt = performance.now();

/** Seconds since the bench started. */
export const elapsedSeconds = () => (performance.now() - startedAt) / 1000;

export function log(msg: string): void {
  console.log(`[bench ${elapsedSeconds().toFixed(1).padStart(5)} s] ${msg}`);
}

export const errors: string[] = [];

export function error(msg: string): void {
  errors.push(msg);
  console.error(`[bench] ERROR: ${msg}`);
}
