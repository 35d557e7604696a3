import { AppError } from "@/lib/errors";

// Cold verifications (one bcrypt each) wait here, never on the worker threads' own queues:
// the queue is bounded as a whole and per key id, and served round-robin across ids, so a
// flood of forged secrets for one id takes its turn with every other id instead of before them.

interface Job {
  run: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface FairQueueLimits {
  /** Jobs running at once (one per bcrypt thread). */
  concurrency: number;
  /** Jobs waiting or running, all ids together; beyond it, 503. */
  maxTotal: number;
  /** Jobs waiting or running for one id; beyond it, 429. */
  maxPerId: number;
}

export class FairQueue {
  #waiting = new Map<string, Job[]>();
  #perId = new Map<string, number>();
  #total = 0;
  #running = 0;

  constructor(private limits: () => FairQueueLimits) {}

  /** Runs `job` in its id's turn, or refuses at once when the queue is full. */
  run<T>(id: string, job: () => Promise<T>): Promise<T> {
    const { maxTotal, maxPerId } = this.limits();
    if (this.#total >= maxTotal) {
      return Promise.reject(
        new AppError("unavailable", "The gateway is verifying too many new keys right now. Retry in a moment.", {
          headers: { "retry-after": "1" },
        }),
      );
    }
    const mine = this.#perId.get(id) ?? 0;
    if (mine >= maxPerId) {
      return Promise.reject(
        new AppError("rate_limited", "Too many verifications of this API key are under way. Retry in a moment.", {
          headers: { "retry-after": "1" },
        }),
      );
    }
    this.#total++;
    this.#perId.set(id, mine + 1);
    return new Promise<T>((resolve, reject) => {
      const queue = this.#waiting.get(id);
      const entry: Job = { run: job, resolve: resolve as (v: unknown) => void, reject };
      if (queue) queue.push(entry);
      else this.#waiting.set(id, [entry]);
      this.#pump();
    });
  }

  /** Waiting or running, for tests and health. */
  get size(): number {
    return this.#total;
  }

  #pump(): void {
    const { concurrency } = this.limits();
    while (this.#running < concurrency && this.#waiting.size > 0) {
      // Map order is the rotation: take the first id's oldest job, then send that id to the back.
      const [id, queue] = this.#waiting.entries().next().value!;
      const job = queue.shift()!;
      this.#waiting.delete(id);
      if (queue.length > 0) this.#waiting.set(id, queue);
      this.#running++;
      // Counted out before the caller resumes, so what it sees next already has room.
      Promise.resolve()
        .then(job.run)
        .then(
          (v) => {
            this.#release(id);
            job.resolve(v);
          },
          (e) => {
            this.#release(id);
            job.reject(e);
          },
        );
    }
  }

  #release(id: string): void {
    this.#running--;
    this.#total--;
    const left = (this.#perId.get(id) ?? 1) - 1;
    if (left > 0) this.#perId.set(id, left);
    else this.#perId.delete(id);
    this.#pump();
  }
}
