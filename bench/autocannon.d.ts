// The part of autocannon 8's programmatic API that bench/lib/load.ts uses (the package ships no types).
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Total requests; overrides duration. */
    amount?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    /** Seconds before a request counts as a timeout. */
    timeout?: number;
    /** ms between samples; a duration or amount ends on a sample tick. */
    sampleInt?: number;
    /** Per-request changes (the bench rotates the Authorization header through many keys). */
    requests?: { setupRequest?: (req: { headers: Record<string, string> }) => { headers: Record<string, string> } }[];
  }

  interface Histogram {
    average: number;
    total: number;
    p50: number;
    p99: number;
  }

  interface Result {
    /** Seconds. */
    duration: number;
    requests: Histogram;
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    "1xx": number;
    "2xx": number;
    "3xx": number;
    "4xx": number;
    "5xx": number;
  }

  interface Instance extends EventEmitter {
    stop(): void;
    /** Per response: (client, statusCode, resBytes, responseTime in ms, a float from hrtime). */
    on(event: "response", listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
    on(event: "reqError", listener: (err: Error) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  function autocannon(opts: Options, cb: (err: Error | null, result: Result) => void): Instance;
  export default autocannon;
  export type { Instance, Options, Result };
}
