// The bench's command line (documented in bench/README.md) and the fixed shapes of its requests.
import { join } from "node:path";
import { parseArgs } from "node:util";

export const PHASES = ["throughput", "latency", "stream", "large", "memory", "cold", "flood", "keys", "cheap"] as const;
export type Phase = (typeof PHASES)[number];

/** The pause after a paced stream's first chunk; models take tens of ms per token, this only has to outlast the trip. */
export const FIRST_CHUNK_GAP_MS = 3;
/** Content deltas of each slow stream in the memory phase: one every 300 ms in a full run. */
export const SLOW_CHUNKS = 40;

export const root = new URL("..", import.meta.url).pathname;

export type Options = ReturnType<typeof parseOptions>["opt"];

export function parseOptions(args: string[]) {
  const { values: flags } = parseArgs({
    args,
    options: {
      smoke: { type: "boolean", default: false },
      duration: { type: "string" }, // s per throughput target and round
      rounds: { type: "string" }, // throughput rounds for direct, bare and gateway (median reported)
      connections: { type: "string", default: "50" },
      "latency-duration": { type: "string" }, // s per latency target (1 connection)
      warmup: { type: "string" }, // s of unmeasured load before each measurement
      "stream-requests": { type: "string" },
      "stream-chunks": { type: "string", default: "200" },
      "prompt-bytes": { type: "string", default: String(1024 * 1024) },
      "prompt-requests": { type: "string" },
      "large-requests": { type: "string" },
      "large-chunks": { type: "string", default: "4000" },
      "large-chunk-bytes": { type: "string", default: "400" },
      "memory-streams": { type: "string" },
      "memory-seconds": { type: "string" },
      "cold-keys": { type: "string" },
      "flood-keys": { type: "string" },
      "many-keys": { type: "string" },
      "usage-requests": { type: "string" }, // requests whose usage the throughput phase counts
      "cold-idle-duration": { type: "string" },
      "skip-portkey": { type: "boolean", default: false },
      "skip-next": { type: "boolean", default: false },
      phases: { type: "string" },
      targets: { type: "string" },
      "cpu-prof": { type: "string" },
      out: { type: "string" },
      verbose: { type: "boolean", default: false },
    },
  });

  const smoke = flags.smoke;
  const num = (v: string | undefined, full: number, small: number) => (v === undefined ? (smoke ? small : full) : Number(v));
  const phases = new Set<Phase>(flags.phases ? (flags.phases.split(",") as Phase[]) : PHASES);
  const onlyTargets = flags.targets ? new Set(flags.targets.split(",")) : null;
  // The Next door is measured for throughput only, Portkey for throughput and against the cheap upstream.
  const wanted = (name: string) => phases.has("throughput") && (!onlyTargets || onlyTargets.has(name));
  const opt = {
    // Five short rounds rather than three long ones, in about the same time: a run's ratio swings
    // from round to round on a shared machine, and the median of five paired rounds swings less.
    duration: num(flags.duration, 5, 1),
    rounds: num(flags.rounds, 5, 1),
    connections: Number(flags.connections),
    latencyDuration: num(flags["latency-duration"], 8, 0.5),
    warmup: num(flags.warmup, 1, 0.2),
    streamRequests: num(flags["stream-requests"], 200, 20),
    streamChunks: Number(flags["stream-chunks"]),
    promptBytes: Number(flags["prompt-bytes"]),
    promptRequests: num(flags["prompt-requests"], 50, 10),
    largeRequests: num(flags["large-requests"], 20, 5),
    largeChunks: Number(flags["large-chunks"]),
    largeChunkBytes: Number(flags["large-chunk-bytes"]),
    memoryStreams: num(flags["memory-streams"], 1000, 50),
    // Long enough that every stream is open at once even on a slow machine, where opening a
    // thousand of them through the whole npm start server takes seconds.
    memorySeconds: num(flags["memory-seconds"], 12, 3),
    coldKeys: num(flags["cold-keys"], 20, 5),
    usageRequests: num(flags["usage-requests"], 10_000, 200),
    coldIdleDuration: num(flags["cold-idle-duration"], 3, 0.5),
    floodKeys: num(flags["flood-keys"], 200, 20),
    /** Active keys of the many-keys phase's largest step (the steps: 1, a tenth of it, all of it). */
    manyKeys: num(flags["many-keys"], 10_000, 50),
    portkey: !flags["skip-portkey"] && (wanted("portkey") || (phases.has("cheap") && (!onlyTargets || onlyTargets.has("portkey")))),
    // A fresh clone has no build, and building takes minutes: the smoke run skips the Next door.
    next: !flags["skip-next"] && !smoke && wanted("next"),
    // The whole npm start server (memory phase) needs the build too, but not the Next door's process.
    build: !flags["skip-next"] && !smoke && (wanted("next") || phases.has("memory")),
    phases,
    cpuProf: flags["cpu-prof"],
    /** Throughput targets to measure (default: all started). */
    targets: onlyTargets,
    // Only a full run replaces the published figures.
    out: flags.out ?? (smoke || flags.phases || flags.targets ? null : join(root, "bench", "results.json")),
  };
  for (const p of opt.phases) if (!PHASES.includes(p)) throw new Error(`Unknown phase '${p}'. Phases: ${PHASES.join(", ")}.`);
  return { opt, smoke, verbose: flags.verbose };
}
