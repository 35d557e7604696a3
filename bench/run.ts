// `npm run bench`: the gateway against the bare minimum and against other gateways, in one run,
// on this machine, with one load generator (autocannon, in this process; undici for streams).
// Every target runs in its own child process:
//   direct   the mock provider itself (bench/mock.ts, testing/mock-provider.ts underneath)
//   bare     node:http + an undici Pool, nothing else (bench/bare-proxy.ts): the floor
//   gateway  the `npm start` /v1 door: server.ts's handler, handleNodeRequest (bench/gateway-server.ts),
//            embedded PGlite in a temporary DATA_DIR, usage recording on, a key with rate limits
//   portkey  Portkey's open-source gateway 1.15 pointed at the same mock
//   next     the route-handler door: the built app under `next start` (app/v1/[provider]/[...path])
//
//   npm run bench                      the full run (about four minutes, plus a build if needed)
//   npm run bench -- --smoke           every step, tiny sizes (CI); exits non-zero only on errors
//   npm run bench -- --duration 20 --rounds 5 --connections 100 --skip-next --phases throughput,latency --targets direct,gateway
//   npm run bench -- --cpu-prof /tmp/prof --phases throughput --targets gateway   profiles the gateway process
// The throughput phase also counts usage: --usage-requests (10,000) more requests to the gateway,
// every one of which must be in its database afterwards, as an event and in the hourly and daily rollups
// (an error otherwise), and it reports the share of the gateway's CPU its usage batch writes take.
// Prints a table and writes bench/results.json (not for --smoke unless --out is given).
// Exits 1 when anything errored (a failed request, a child that died); missed targets are reported, not fatal.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, release, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import autocannon, { type Result } from "autocannon";
import { Pool } from "undici";
import { forgeKey } from "../testing/forge-key";

const root = new URL("..", import.meta.url).pathname;
const PHASES = ["throughput", "latency", "stream", "large", "memory", "cold", "flood"] as const;
type Phase = (typeof PHASES)[number];

const { values: flags } = parseArgs({
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
// Portkey and the Next door are measured for throughput only.
const wanted = (name: string) => phases.has("throughput") && (!onlyTargets || onlyTargets.has(name));
const opt = {
  // Five short rounds rather than three long ones, in about the same time: a run's ratio swings by
  // a fifth from round to round here, and the median of five paired rounds swings less.
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
  // Long enough that every stream is open at once: with 10 s streams of a chunk every 100 ms, a
  // slow machine took 12 s to open 1,000 through the whole npm start server (888 were ever open
  // together); with a chunk every 300 ms (SLOW_CHUNKS), ~3.5 s.
  memorySeconds: num(flags["memory-seconds"], 12, 3),
  coldKeys: num(flags["cold-keys"], 20, 5),
  usageRequests: num(flags["usage-requests"], 10_000, 200),
  coldIdleDuration: num(flags["cold-idle-duration"], 3, 0.5),
  floodKeys: num(flags["flood-keys"], 200, 20),
  portkey: !flags["skip-portkey"] && wanted("portkey"),
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

const startedAt = performance.now();
// How `npm start` builds and runs the server: the gateway here runs the same way.
const { ensureBuild, SERVER_NODE_FLAGS } = (await import(pathToFileURL(join(root, "scripts", "start.mjs")).href)) as {
  ensureBuild: () => void;
  SERVER_NODE_FLAGS: string[];
};
const log = (msg: string) => console.log(`[bench ${((performance.now() - startedAt) / 1000).toFixed(1).padStart(5)} s] ${msg}`);

// ---------------------------------------------------------------- errors
const errors: string[] = [];
function error(msg: string): void {
  errors.push(msg);
  console.error(`[bench] ERROR: ${msg}`);
}

// ---------------------------------------------------------------- child processes
interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** The rest of the READY line. */
  ready: string;
  stopping: boolean;
}
const children: Child[] = [];

// Local embedded mode, whatever the shell running the bench has configured.
const baseEnv: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
for (const name of Object.keys(baseEnv)) {
  if (/^(CLERK_|NEXT_PUBLIC_CLERK_|PROVIDER_.*_BASE_URL$)/.test(name) || ["DATABASE_URL", "DATABASE_DRIVER", "REDIS_URL", "HOST", "PORT"].includes(name)) {
    delete baseEnv[name];
  }
}

function startChild(name: string, args: string[], env: Record<string, string>, ready = /^READY (.*)$/m, timeoutMs = 120_000): Promise<Child> {
  const proc = spawn(process.execPath, args, { cwd: root, env: { ...baseEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const tail: string[] = [];
  const keep = (s: string) => {
    tail.push(s);
    if (tail.length > 40) tail.shift();
    if (flags.verbose) process.stderr.write(`[${name}] ${s}`);
  };
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`${name} did not start within ${timeoutMs / 1000} s:\n${tail.join("")}`));
    }, timeoutMs);
    let child: Child | undefined;
    proc.stdout!.on("data", (d: Buffer) => {
      keep(d.toString());
      if (child) return;
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        child = { name, proc, pid: proc.pid!, ready: m[1] ?? "", stopping: false };
        children.push(child);
        resolve(child);
      }
    });
    proc.stderr!.on("data", (d: Buffer) => keep(d.toString()));
    // "close", not "exit": by then the last output has been read, for the message below.
    proc.on("close", (code, signal) => {
      clearTimeout(timer);
      if (!child) reject(new Error(`${name} exited (${signal ?? code}) before it was ready:\n${tail.join("")}`));
      else if (!child.stopping) error(`${name} exited unexpectedly (${signal ?? code}):\n${tail.join("")}`);
    });
  });
}

async function stopChild(c: Child): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  c.stopping = true;
  const exited = new Promise((r) => c.proc.once("exit", r));
  c.proc.kill("SIGTERM");
  const timer = setTimeout(() => c.proc.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

process.on("exit", () => {
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill("SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** CPU time (user + system, all threads) a process has used, in ms, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux architecture Node runs on

/** Resident memory of a process, from /proc (Linux); NaN elsewhere. */
/**
 * The resident pages of the process's WebAssembly memories (MB). V8 reserves each memory with
 * gigabytes of guard space: its current size is a read-write anonymous mapping that runs straight
 * into an inaccessible one of 4 GB or more. RSS counts only the touched pages of it.
 */
function wasmResidentMb(pid: number): number | null {
  let smaps: string;
  try {
    smaps = readFileSync(`/proc/${pid}/smaps`, "utf8");
  } catch {
    return null;
  }
  const maps: { start: bigint; end: bigint; perms: string; anon: boolean; rssKb: number }[] = [];
  for (const line of smaps.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (head) maps.push({ start: BigInt(`0x${head[1]}`), end: BigInt(`0x${head[2]}`), perms: head[3], anon: head[4] === "0" && head[5] === "", rssKb: 0 });
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && maps.length) maps[maps.length - 1].rssKb = Number(rss[1]);
  }
  let kb = 0;
  for (let i = 0; i + 1 < maps.length; i++) {
    const [m, guard] = [maps[i], maps[i + 1]];
    const isMemory = m.anon && m.perms.startsWith("rw") && guard.anon && guard.perms.startsWith("---");
    if (isMemory && guard.start === m.end && guard.end - guard.start >= 4n << 30n) kb += m.rssKb;
  }
  return kb / 1024;
}

function rssMb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------- statistics
function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
const sortNumbers = (xs: number[]) => Float64Array.from(xs).sort();
const round = (x: number, digits = 3) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

// ---------------------------------------------------------------- targets
interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** The process that does this target's work (for direct, the mock itself). */
  pid: number;
}
/** The pause after a paced stream's first chunk; models take tens of ms per token, this only has to outlast the trip. */
const FIRST_CHUNK_GAP_MS = 3;
/** Content deltas of each slow stream in the memory phase: one every 300 ms in a full run. */
const SLOW_CHUNKS = 40;
const CHAT = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello in one short sentence." }] };
const chatBody = JSON.stringify(CHAT);

// ---------------------------------------------------------------- autocannon
interface Load {
  requests: number;
  rps: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Latency of each 2xx response in ms (hrtime precision; autocannon's own histogram is whole ms). */
  latencies: Float64Array;
  seconds: number;
}

interface LoadRun {
  done: Promise<Load>;
  stop(): void;
}

function cannon(
  t: Target,
  o: { connections: number; duration?: number; amount?: number; body?: string },
  onResponse?: (endedAt: number, ms: number, status: number) => void,
): LoadRun {
  const latencies: number[] = [];
  let instance: ReturnType<typeof autocannon>;
  const done = new Promise<Load>((resolve, reject) => {
    instance = autocannon(
      {
        url: t.url,
        method: "POST",
        headers: { "content-type": "application/json", ...t.headers },
        body: o.body ?? chatBody,
        connections: o.connections,
        ...(o.amount ? { amount: o.amount } : { duration: o.duration }),
        timeout: 30,
        // Stop checks run on this tick: 1 s (the default) would round every run up to whole seconds.
        sampleInt: 100,
      },
      (err: Error | null, r: Result) => {
        if (err) return reject(err);
        const seconds = r.duration;
        resolve({
          requests: r["2xx"],
          rps: r["2xx"] / seconds,
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx: r.non2xx,
          latencies: sortNumbers(latencies),
          seconds,
        });
      },
    );
    instance.on("response", (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
      onResponse?.(performance.now(), ms, status);
    });
  });
  return { done, stop: () => instance.stop() };
}

/** A measured run after an unmeasured warm-up; its errors are the bench's errors. */
async function measure(
  t: Target,
  o: { connections: number; duration?: number; amount?: number; body?: string },
  what: string,
  onStart?: () => void | Promise<void>,
): Promise<Load> {
  if (opt.warmup > 0) {
    const warm = o.amount ? { amount: Math.max(2, o.connections, Math.ceil(o.amount / 10)) } : { duration: opt.warmup };
    await cannon(t, { connections: o.connections, body: o.body, ...warm }).done;
  }
  await onStart?.();
  const r = await cannon(t, o).done;
  const bad = r.errors + r.timeouts + r.non2xx;
  if (bad > 0) error(`${what} on ${t.name}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx responses`);
  return r;
}

// ---------------------------------------------------------------- undici (streams, checks)
const pools = new Map<string, Pool>();
function poolFor(origin: string, connections = 16): Pool {
  const key = `${origin}#${connections}`;
  let p = pools.get(key);
  if (!p) pools.set(key, (p = new Pool(origin, { connections, keepAliveTimeout: 60_000, headersTimeout: 120_000, bodyTimeout: 120_000 })));
  return p;
}

interface StreamTiming {
  status: number;
  /** ms until the first body chunk. */
  ttfb: number;
  /** ms until the body ended. */
  total: number;
  bytes: number;
  complete: boolean;
}

async function post(t: Target, body: string, pool?: Pool, onFirstChunk?: () => void): Promise<StreamTiming & { text?: string }> {
  const url = new URL(t.url);
  const p = pool ?? poolFor(url.origin);
  const t0 = performance.now();
  const res = await p.request({
    path: url.pathname,
    method: "POST",
    headers: { "content-type": "application/json", ...t.headers },
    body,
  });
  let ttfb = NaN;
  let bytes = 0;
  let tail = "";
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    if (bytes === 0) {
      ttfb = performance.now() - t0;
      onFirstChunk?.();
    }
    bytes += chunk.length;
    tail = (tail + chunk.subarray(-48).toString("latin1")).slice(-48);
  }
  const total = performance.now() - t0;
  return { status: res.statusCode, ttfb, total, bytes, complete: tail.includes("data: [DONE]") };
}

/**
 * A live key with limits no run reaches, made through the server's own management API in local
 * mode (no sign-in), as any user would.
 */
async function createBenchKey(origin: string, what: string): Promise<string> {
  const res = await poolFor(origin).request({
    path: "/api/keys",
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "bench", limits: { requests_per_minute: 1_000_000, tokens_per_minute: 1_000_000_000 } }),
  });
  const created = (await res.body.json()) as { key?: string };
  if (res.statusCode !== 201 || !created.key) throw new Error(`POST /api/keys on ${what}: ${res.statusCode} ${JSON.stringify(created)}`);
  return created.key;
}

/** One request before measuring: the target must answer a real chat completion from the mock. */
async function check(t: Target): Promise<void> {
  const url = new URL(t.url);
  const res = await poolFor(url.origin).request({
    path: url.pathname,
    method: "POST",
    headers: { "content-type": "application/json", ...t.headers },
    body: chatBody,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200 || !text.includes('"object":"chat.completion"') || !text.includes("simulated response")) {
    throw new Error(`${t.name} does not proxy to the mock: ${res.statusCode} ${text.slice(0, 300)}`);
  }
}

// ---------------------------------------------------------------- start everything
const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  node: process.version,
  os: `${process.platform} ${release()}`,
  loadAverageAtStart: loadavg().map((x) => round(x, 2)),
};
const date = new Date().toISOString();
log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverageAtStart.join(" ")}${smoke ? " (smoke run: tiny sizes, figures mean nothing)" : ""}`);

let nextBuildSeconds: number | null = null;
if (opt.build) {
  // The route-handler door and the npm start server need the built app: build it now if the sources changed (as npm start does).
  const t = performance.now();
  ensureBuild();
  nextBuildSeconds = round((performance.now() - t) / 1000, 1);
  log(`Next build ready (${nextBuildSeconds} s)`);
}

const tempDirs: string[] = [];
const tempDir = (label: string) => {
  const d = mkdtempSync(join(tmpdir(), `neuronedge-bench-${label}-`));
  tempDirs.push(d);
  return d;
};
const tsx = (file: string, ...args: string[]) => ["--import", "tsx", join(root, file), ...args];
// The gateway runs compiled, with plain node, exactly as `npm start` runs server.ts.
const { buildServer } = (await import(pathToFileURL(join(root, "scripts", "build-server.mjs")).href)) as {
  buildServer: (entry: string, outfile: string) => string;
};
const gatewayBundle = buildServer("bench/gateway-server.ts", ".next/neuronedge/bench-gateway.mjs");

let exitCode = 0;
const results: Record<string, unknown> = {};
try {
  const slowDelay = Math.max(1, Math.round((opt.memorySeconds * 1000) / SLOW_CHUNKS));
  // The databases are created (initdb + migrations) by a process of their own, as by an earlier
  // `npm start`: PGlite's initdb leaves ~450 MB of WebAssembly memory behind in the process that
  // ran it, which would swamp what the gateway itself holds. That first-start figure is recorded too.
  const migrated = (dataDir: string) =>
    startChild("migrate", [gatewayBundle, "--migrate-only"], { DATA_DIR: dataDir }, /^MIGRATED (.*)$/m).then((c) => {
      c.stopping = true; // it exits by itself
      return new Promise<number>((resolve) => c.proc.once("exit", () => resolve(JSON.parse(c.ready).rssMb)));
    });
  const gatewayDir = tempDir("gateway");
  const nextDir = opt.next ? tempDir("next") : null;
  const portkeyPort = opt.portkey ? await freePort() : 0;
  const [mock, slowMock, firstStartRssMb, , portkeyChild] = await Promise.all([
    // Streams for model bench-paced: the first chunk alone, a pause, the rest (as a model streams).
    startChild("mock", tsx("bench/mock.ts", "--chunks", String(opt.streamChunks), "--pace", "first", "--chunk-delay-ms", String(FIRST_CHUNK_GAP_MS), "--large-chunks", String(opt.largeChunks), "--large-chunk-bytes", String(opt.largeChunkBytes)), {}),
    // Slow streams for the memory test: SLOW_CHUNKS deltas, paced to last --memory-seconds.
    startChild("slow mock", tsx("bench/mock.ts", "--chunks", String(SLOW_CHUNKS), "--chunk-delay-ms", String(slowDelay)), {}),
    migrated(gatewayDir),
    nextDir ? migrated(nextDir) : null,
    opt.portkey
      ? startChild(
          "portkey",
          [join(root, "node_modules/@portkey-ai/gateway/build/start-server.js"), `--port=${portkeyPort}`, "--headless"],
          { NODE_ENV: "production" },
          /(Ready for connections)/,
        )
      : null,
  ]);
  results.firstStartRssMb = firstStartRssMb;
  const mockUrl = mock.ready.trim();
  const slowUrl = slowMock.ready.trim();

  const gatewayEnv = {
    DATA_DIR: gatewayDir,
    PROVIDER_OPENAI_BASE_URL: `${mockUrl}/v1`,
    // An OpenAI-compatible provider id for the slow mock: the same adapter and code path.
    PROVIDER_GROQ_BASE_URL: `${slowUrl}/v1`,
    BCRYPT_COST: "10",
    NODE_ENV: "production",
  };
  const gatewayArgs = [
    ...(opt.cpuProf ? ["--cpu-prof", "--cpu-prof-dir", opt.cpuProf] : []),
    ...SERVER_NODE_FLAGS,
    gatewayBundle,
    "--cold-keys",
    String(opt.coldKeys),
  ];
  const nextPort = await freePort();
  const [gatewayChild, bareChild, nextChild] = await Promise.all([
    startChild("gateway", gatewayArgs, gatewayEnv),
    startChild("bare", tsx("bench/bare-proxy.ts"), { UPSTREAM: mockUrl }),
    nextDir
      ? startChild(
          "next",
          [join(root, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(nextPort)],
          { DATA_DIR: nextDir, PROVIDER_OPENAI_BASE_URL: `${mockUrl}/v1`, NODE_ENV: "production" },
          /(Ready in)/,
        )
      : null,
  ]);
  const gw = JSON.parse(gatewayChild.ready) as { origin: string; pid: number; key: string; coldKeys: string[] };

  let nextOrigin: string | null = null;
  let nextKey: string | null = null;
  if (opt.next) {
    nextOrigin = `http://127.0.0.1:${nextPort}`;
    nextKey = await createBenchKey(nextOrigin, "next start");
  }

  const direct: Target = { name: "direct", url: `${mockUrl}/v1/chat/completions`, headers: { authorization: "Bearer sk-bench" }, pid: mock.pid };
  const bare: Target = { name: "bare", url: `${bareChild.ready.trim()}/v1/openai/chat/completions`, headers: { authorization: "Bearer sk-bench" }, pid: bareChild.pid };
  const gateway: Target = { name: "gateway", url: `${gw.origin}/v1/openai/chat/completions`, headers: { authorization: `Bearer ${gw.key}`, "x-provider-api-key": "sk-bench" }, pid: gw.pid };
  const portkey: Target | null = opt.portkey
    ? {
        name: "portkey",
        url: `http://127.0.0.1:${portkeyPort}/v1/chat/completions`,
        headers: { authorization: "Bearer sk-bench", "x-portkey-provider": "openai", "x-portkey-custom-host": `${mockUrl}/v1` },
        pid: portkeyChild!.pid,
      }
    : null;
  const nextDoor: Target | null = nextOrigin
    ? { name: "next", url: `${nextOrigin}/v1/openai/chat/completions`, headers: { authorization: `Bearer ${nextKey}`, "x-provider-api-key": "sk-bench" }, pid: nextChild!.pid }
    : null;
  const targets = [direct, bare, gateway, portkey, nextDoor].filter((t): t is Target => t !== null);
  for (const t of targets) await check(t);
  log(`started: ${targets.map((t) => t.name).join(", ")}${opt.portkey ? "" : " (Portkey skipped)"}${opt.next ? "" : " (Next door skipped" + (smoke ? ": smoke runs have no build" : "") + ")"}`);
  interface GatewayUsage {
    events: number;
    hourly: number;
    daily: number;
    writeMs: number;
    writeCpuMs: number;
    dropped: number;
  }
  /** The hot key's usage in the gateway's database, everything buffered written first (bench/gateway-server.ts). */
  async function gatewayUsage(): Promise<GatewayUsage> {
    const res = await poolFor(gw.origin, 2).request({ path: "/bench/usage", method: "GET" });
    if (res.statusCode !== 200) throw new Error(`/bench/usage answered ${res.statusCode}: ${await res.body.text()}`);
    return (await res.body.json()) as GatewayUsage;
  }
  // The gateway's resident memory after each phase (MB): what the earlier phases left behind.
  const rss: Record<string, number | null> = { start: round(rssMb(gw.pid), 1) };
  results.gatewayRssMb = rss;

  // ---------------------------------------------------------------- 1. throughput
  if (opt.phases.has("throughput")) {
    // Direct, bare and gateway are measured in several rounds, one after another within each round,
    // and each ratio is taken within a round (side by side), then the median round is reported:
    // on a shared 2-core machine a single run can be off by a fifth. Portkey and the Next door
    // are far from their targets and are measured once.
    const runs: Record<string, Record<string, number | null>[]> = {};
    const measured = targets.filter((x) => !opt.targets || opt.targets.has(x.name));
    for (let round_ = 0; round_ < opt.rounds; round_++) {
      for (const t of measured) {
        if (round_ > 0 && !["direct", "bare", "gateway"].includes(t.name)) continue;
        let cpu0 = NaN;
        let usage0: GatewayUsage | null = null;
        const r = await measure(t, { connections: opt.connections, duration: opt.duration }, "throughput", async () => {
          // The warm-up's usage is written before the round starts, this round's before it is read.
          if (t === gateway) usage0 = await gatewayUsage();
          cpu0 = cpuMs(t.pid);
        });
        const usage1 = usage0 ? await gatewayUsage() : null;
        // CPU time the target's own process spent per request: unlike req/s, it hardly depends on
        // what else the machine is doing, so it compares the proxies' work even on a noisy box.
        const cpuUs = ((cpuMs(t.pid) - cpu0) * 1000) / (r.requests + r.non2xx);
        // The usage batch writes' share of it (µs a request): CPU, and wall time the loop was held.
        const perRequest = (field: "writeMs" | "writeCpuMs") =>
          usage0 && usage1 ? round(((usage1[field] - (usage0 as GatewayUsage)[field]) * 1000) / (r.requests + r.non2xx), 1) : null;
        const usageWrite: Record<string, number | null> = usage1 ? { usageWriteCpuUsPerRequest: perRequest("writeCpuMs"), usageWriteWallUsPerRequest: perRequest("writeMs") } : {};
        (runs[t.name] ??= []).push({ rps: round(r.rps, 0), requests: r.requests, errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, p50Ms: round(percentile(r.latencies, 0.5)), p99Ms: round(percentile(r.latencies, 0.99)), cpuUsPerRequest: round(cpuUs, 1), ...usageWrite });
        log(`throughput ${t.name.padEnd(8)} ${r.rps.toFixed(0).padStart(6)} req/s  ${cpuUs.toFixed(0).padStart(4)} µs CPU/request  (${opt.connections} connections, ${r.seconds} s, errors ${r.errors + r.timeouts + r.non2xx}${opt.rounds > 1 ? `, round ${round_ + 1} of ${opt.rounds}` : ""})`);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    const tp: Record<string, unknown> = {};
    for (const [name, list] of Object.entries(runs)) {
      // The round with the median rate stands for the target; every round is kept.
      const mid = median(list.map((x) => x.rps ?? 0));
      tp[name] = { ...list.find((x) => x.rps === mid), cpuUsPerRequest: round(median(list.map((x) => x.cpuUsPerRequest ?? NaN)), 1), rounds: list.map((x) => x.rps) };
    }
    const perRound = (a: string, b: string) =>
      runs[a] && runs[b] ? runs[a].map((x, i) => (x.rps ?? NaN) / (runs[b][i]?.rps ?? NaN)).filter(Number.isFinite) : [];
    const ratios: Record<string, unknown> = {};
    for (const [name, [a, b]] of Object.entries({ gatewayVsDirect: ["gateway", "direct"], bareVsDirect: ["bare", "direct"], gatewayVsBare: ["gateway", "bare"] })) {
      const rs = perRound(a, b);
      if (rs.length) ratios[name] = { median: round(median(rs), 3), rounds: rs.map((x) => round(x, 3)) };
    }
    results.throughput = { connections: opt.connections, seconds: opt.duration, rounds: opt.rounds, ...tp, ratios };
    if (runs.gateway) {
      // Usage is exact under load: a fixed number of requests (every response received) must
      // leave exactly as many events, and as many requests in the hourly and the daily rollups.
      let before: GatewayUsage | null = null;
      const r = await measure(gateway, { connections: opt.connections, amount: opt.usageRequests }, "usage count", async () => {
        before = await gatewayUsage();
      });
      const after = await gatewayUsage();
      const b = before as unknown as GatewayUsage;
      const events = after.events - b.events;
      const hourly = after.hourly - b.hourly;
      const daily = after.daily - b.daily;
      if (events !== r.requests || hourly !== r.requests || daily !== r.requests) {
        error(`usage count: ${r.requests} requests answered; recorded ${events} events, ${hourly} in the hourly and ${daily} in the daily rollups`);
      }
      results.usage = {
        requests: r.requests,
        events,
        hourly,
        daily,
        writeCpuUsPerRequest: round(median(runs.gateway.map((x) => x.usageWriteCpuUsPerRequest ?? NaN)), 1),
        writeWallUsPerRequest: round(median(runs.gateway.map((x) => x.usageWriteWallUsPerRequest ?? NaN)), 1),
        dropped: after.dropped,
      };
      log(`usage count: ${r.requests} requests, ${events} events, ${hourly} / ${daily} in the hourly / daily rollups`);
    }
    rss.throughput = round(rssMb(gw.pid), 1);
  }

  // ---------------------------------------------------------------- 2. latency at 1 connection
  if (opt.phases.has("latency")) {
    const lat: Record<string, unknown> = {};
    for (const t of [direct, bare, gateway]) {
      const r = await measure(t, { connections: 1, duration: opt.latencyDuration }, "latency");
      lat[t.name] = { p50Ms: round(percentile(r.latencies, 0.5)), p99Ms: round(percentile(r.latencies, 0.99)), requests: r.requests };
      log(`latency    ${t.name.padEnd(8)} p50 ${percentile(r.latencies, 0.5).toFixed(3)} ms  p99 ${percentile(r.latencies, 0.99).toFixed(3)} ms  (1 connection, ${r.requests} requests)`);
    }
    results.latency = { connections: 1, seconds: opt.latencyDuration, ...lat };
    rss.latency = round(rssMb(gw.pid), 1);
  }

  /** Sequential streams, direct and gateway alternating (so drift in machine load hits both alike). */
  async function streams(body: string, n: number, what: string) {
    const out: Record<string, { ttfb: number[]; total: number[]; bytes: number }> = {};
    // The bare proxy too: what any Node proxy adds on this machine, the floor for the gateway's figure.
    const ts = [direct, bare, gateway];
    for (const t of ts) out[t.name] = { ttfb: [], total: [], bytes: 0 };
    const warm = Math.max(2, Math.ceil(n / 10));
    for (let i = 0; i < warm + n; i++) {
      for (const t of ts) {
        const r = await post(t, body);
        if (r.status !== 200 || !r.complete) {
          error(`${what} on ${t.name}: status ${r.status}, ${r.complete ? "complete" : "incomplete stream"}`);
          continue;
        }
        if (i < warm) continue;
        out[t.name].ttfb.push(r.ttfb);
        out[t.name].total.push(r.total);
        out[t.name].bytes = r.bytes;
      }
    }
    const summary: Record<string, unknown> = {};
    for (const [name, o] of Object.entries(out)) {
      const ttfb = sortNumbers(o.ttfb);
      const total = sortNumbers(o.total);
      summary[name] = {
        ttfbP50Ms: round(percentile(ttfb, 0.5)),
        ttfbP99Ms: round(percentile(ttfb, 0.99)),
        totalP50Ms: round(percentile(total, 0.5)),
        totalP99Ms: round(percentile(total, 0.99)),
        bytes: o.bytes,
        requests: o.ttfb.length,
      };
      log(`${what.padEnd(10)} ${name.padEnd(8)} first chunk p50 ${percentile(ttfb, 0.5).toFixed(3)} ms p99 ${percentile(ttfb, 0.99).toFixed(3)} ms; total p50 ${percentile(total, 0.5).toFixed(3)} ms p99 ${percentile(total, 0.99).toFixed(3)} ms (${o.bytes} bytes)`);
    }
    return summary;
  }

  // ---------------------------------------------------------------- 3. streaming
  if (opt.phases.has("stream")) {
    // As a model streams: the first chunk travels alone, so its time is the time to first chunk.
    const paced = JSON.stringify({ ...CHAT, model: "bench-paced", stream: true });
    results.stream = { chunks: opt.streamChunks, requests: opt.streamRequests, gapMs: FIRST_CHUNK_GAP_MS, ...(await streams(paced, opt.streamRequests, "stream")) };
    // Every chunk back to back: the upstream sends the whole stream in one write, so the "first
    // chunk" is most of the body and the whole-stream time is what this shape measures.
    const burst = JSON.stringify({ ...CHAT, stream: true });
    results.streamBurst = { chunks: opt.streamChunks, requests: opt.streamRequests, ...(await streams(burst, opt.streamRequests, "burst")) };
    rss.stream = round(rssMb(gw.pid), 1);
  }

  // ---------------------------------------------------------------- 4. large bodies
  if (opt.phases.has("large")) {
    // A 1 MB prompt: the JSON is mostly one long user message.
    const filler = "The quick brown fox jumps over the lazy dog. ";
    const content = filler.repeat(Math.ceil(opt.promptBytes / filler.length)).slice(0, opt.promptBytes);
    const bigBody = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] });
    const prompt: Record<string, unknown> = { bytes: Buffer.byteLength(bigBody), requests: opt.promptRequests };
    for (const t of [direct, gateway]) {
      const r = await measure(t, { connections: 1, amount: opt.promptRequests, body: bigBody }, "1 MB prompt");
      prompt[t.name] = { p50Ms: round(percentile(r.latencies, 0.5)), p99Ms: round(percentile(r.latencies, 0.99)) };
      log(`1 MB prompt ${t.name.padEnd(8)} p50 ${percentile(r.latencies, 0.5).toFixed(3)} ms  p99 ${percentile(r.latencies, 0.99).toFixed(3)} ms  (1 connection, ${r.requests} requests)`);
    }
    results.largePrompt = prompt;
    const streamBody = JSON.stringify({ model: "bench-large", stream: true, messages: [{ role: "user", content: "Tell me everything." }] });
    results.largeStream = {
      chunks: opt.largeChunks,
      chunkBytes: opt.largeChunkBytes,
      requests: opt.largeRequests,
      ...(await streams(streamBody, opt.largeRequests, "large SSE")),
    };
    rss.large = round(rssMb(gw.pid), 1);
  }

  // ---------------------------------------------------------------- 5. memory with many open streams
  /** The whole `npm start` server (server.ts compiled, Next loaded), on its own database, with a key. */
  async function startApp() {
    const dataDir = tempDir("app");
    await migrated(dataDir);
    const port = await freePort();
    const child = await startChild(
      "npm start",
      [...SERVER_NODE_FLAGS, join(root, ".next/neuronedge/server.mjs")],
      { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", PROVIDER_GROQ_BASE_URL: `${slowUrl}/v1`, NODE_ENV: "production" },
      /NeuronEdge ready on (\S+)/,
    );
    const origin = `http://127.0.0.1:${port}`;
    const key = await createBenchKey(origin, "npm start");
    return { child, origin, pid: child.pid, headers: { authorization: `Bearer ${key}`, "x-provider-api-key": "sk-bench" } };
  }

  /** Opens opt.memoryStreams slow streams at once through `via` and samples the process's RSS. */
  async function holdStreams(label: string, via: Target, pid: number, usageOf?: () => Promise<{ heapUsed: number; wasm: number }>) {
    const n = opt.memoryStreams;
    const origin = new URL(via.url).origin;
    const target: Target = { ...via, name: `${label} (slow upstream)`, url: `${origin}/v1/groq/chat/completions` };
    const pool = new Pool(origin, { connections: n, headersTimeout: 300_000, bodyTimeout: 300_000, keepAliveTimeout: 60_000 });
    const body = JSON.stringify({ ...CHAT, stream: true });
    // Settle first: what the process holds before the streams, after the earlier phases' garbage.
    await new Promise((r) => setTimeout(r, 500));
    const before = rssMb(pid);
    const wasmMb = usageOf ? (await usageOf()).wasm / 1048576 : null;
    let allOpenUsage: Promise<{ heapUsed: number; wasm: number }> | null = null;
    // Open: the first chunk has arrived and the stream has not ended. Counting only arrivals
    // would call 1,000 streams open at once when the first had ended before the last began.
    let open = 0;
    let mostOpen = 0;
    let peak = before;
    let peakOpen = 0;
    let allOpenAt: number | null = null;
    const t0 = performance.now();
    let allOpenRss = NaN; // the highest reading while every stream was open
    const sampler = setInterval(() => {
      const rss = rssMb(pid);
      if (rss > peak) {
        peak = rss;
        peakOpen = open;
      }
      if (open === n && !(rss <= allOpenRss)) allOpenRss = rss;
    }, 50);
    const settled = await Promise.allSettled(
      Array.from({ length: n }, async () => {
        let counted = false;
        try {
          return await post(target, body, pool, () => {
            counted = true;
            mostOpen = Math.max(mostOpen, ++open);
            if (open === n) {
              allOpenAt = performance.now() - t0;
              allOpenUsage = usageOf?.() ?? null;
            }
          });
        } finally {
          if (counted) open--;
        }
      }),
    );
    clearInterval(sampler);
    const seconds = (performance.now() - t0) / 1000;
    let failed = 0;
    for (const r of settled) if (r.status === "rejected" || r.value.status !== 200 || !r.value.complete) failed++;
    if (failed > 0) error(`memory (${label}): ${failed} of ${n} slow streams failed or were cut short`);
    if (mostOpen < n) error(`memory (${label}): at most ${mostOpen} of ${n} streams were open at once: opening them took longer than one lasts (--memory-seconds)`);
    const firstReason = settled.find((r): r is PromiseRejectedResult => r.status === "rejected")?.reason as Error | undefined;
    if (firstReason) error(`memory (${label}): first failure: ${firstReason.message}`);
    await pool.close();
    const usage = await (allOpenUsage as Promise<{ heapUsed: number; wasm: number }> | null)?.catch(() => null);
    const wasmResident = usage ? wasmResidentMb(pid) : null;
    log(`memory     ${label.padEnd(8)} RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB with ${peakOpen} of ${n} streams open, ${Number.isNaN(allOpenRss) ? "never all open at once" : `${allOpenRss.toFixed(0)} MB with all open, after ${((allOpenAt ?? NaN) / 1000).toFixed(2)} s`}; done in ${seconds.toFixed(1)} s, ${failed} failed`);
    return {
      // The embedded database's WebAssembly heap is part of the RSS (its touched pages): what is
      // left is the gateway's.
      ...(wasmMb === null ? {} : { pgliteWasmMb: round(wasmMb, 1) }),
      ...(usageOf ? { allOpenPgliteResidentMb: wasmResident === null ? null : round(wasmResident, 1) } : {}),
      ...(usageOf ? { allOpenHeapUsedMb: usage ? round(usage.heapUsed / 1048576, 1) : null } : {}),
      streams: n,
      streamSeconds: opt.memorySeconds,
      rssBeforeMb: round(before, 1),
      rssPeakMb: round(peak, 1),
      rssAllOpenMb: round(allOpenRss, 1),
      streamsOpenAtPeak: peakOpen,
      mostOpenAtOnce: mostOpen,
      allOpenAfterMs: allOpenAt === null ? null : round(allOpenAt, 0),
      completedSeconds: round(seconds, 2),
      failed,
    };
  }

  if (opt.phases.has("memory")) {
    const gatewayMemory = async () => {
      const res = await poolFor(gw.origin, 2).request({ path: "/bench/memory", method: "GET" });
      return (await res.body.json()) as { heapUsed: number; wasm: number };
    };
    results.memory = await holdStreams("gateway", gateway, gw.pid, gatewayMemory);
    rss.memory = round(rssMb(gw.pid), 1);
    const app = opt.build ? await startApp() : null;
    if (app) {
      // The same through the whole `npm start` server, dashboard (Next) loaded and one page served.
      await (await poolFor(app.origin).request({ path: "/dashboard/keys", method: "GET" })).body.dump();
      results.memoryApp = await holdStreams("npm start", { name: "app", url: `${app.origin}/v1/openai/chat/completions`, headers: app.headers, pid: app.pid }, app.pid);
      await stopChild(app.child);
    }
  }

  // ---------------------------------------------------------------- 6. cold keys
  if (opt.phases.has("cold")) {
    const idle = await measure(gateway, { connections: 1, duration: opt.coldIdleDuration }, "cold start (idle)");
    const idleP99 = percentile(idle.latencies, 0.99);
    // The cached key keeps one connection busy; meanwhile the never-seen keys arrive all at once.
    const during: { endedAt: number; ms: number }[] = [];
    const hot = cannon(gateway, { connections: 1, duration: 120 }, (endedAt, ms, status) => {
      if (status === 200) during.push({ endedAt, ms });
      else error(`cold start: cached-key request answered ${status}`);
    });
    await new Promise((r) => setTimeout(r, 300));
    const burstStart = performance.now();
    const cold = await Promise.allSettled(
      gw.coldKeys.map((key) => post({ ...gateway, headers: { ...gateway.headers, authorization: `Bearer ${key}` } }, chatBody, poolFor(gw.origin, gw.coldKeys.length + 1))),
    );
    const burstEnd = performance.now();
    hot.stop();
    const hotRun = await hot.done;
    if (hotRun.errors + hotRun.timeouts > 0) error(`cold start: ${hotRun.errors} errors, ${hotRun.timeouts} timeouts on the cached key`);
    let coldFailed = 0;
    const coldMs: number[] = [];
    for (const c of cold) {
      if (c.status === "fulfilled" && c.value.status === 200) coldMs.push(c.value.total);
      else coldFailed++;
    }
    if (coldFailed > 0) error(`cold start: ${coldFailed} of ${gw.coldKeys.length} never-seen keys failed`);
    // Cached-key requests that overlapped the burst.
    const overlapping = sortNumbers(during.filter((d) => d.endedAt >= burstStart && d.endedAt - d.ms <= burstEnd).map((d) => d.ms));
    const coldP99 = percentile(overlapping, 0.99);
    results.cold = {
      coldKeys: gw.coldKeys.length,
      idleP99Ms: round(idleP99),
      idleP50Ms: round(percentile(idle.latencies, 0.5)),
      duringBurstP99Ms: round(coldP99),
      duringBurstP50Ms: round(percentile(overlapping, 0.5)),
      duringBurstMaxMs: round(overlapping[overlapping.length - 1] ?? NaN),
      cachedRequestsDuringBurst: overlapping.length,
      burstMs: round(burstEnd - burstStart, 1),
      coldRequestMaxMs: round(Math.max(...coldMs)),
      ratio: round(coldP99 / idleP99, 2),
    };
    log(`gateway RSS after each phase (MB): ${JSON.stringify(rss)}`);
    log(`cold start gateway  cached key p99 ${idleP99.toFixed(3)} ms idle, ${coldP99.toFixed(3)} ms while ${gw.coldKeys.length} new keys verify (${overlapping.length} requests in ${(burstEnd - burstStart).toFixed(0)} ms)`);
    rss.cold = round(rssMb(gw.pid), 1);
  }

  // ---------------------------------------------------------------- 7. bcrypt flood
  if (opt.phases.has("flood")) {
    // An attacker who knows one key id (their own) sends forged secrets with valid checksums at once;
    // the cached victim key's p99 during the flood is compared with its idle p99, side by side.
    const idle = await measure(gateway, { connections: 1, duration: opt.coldIdleDuration }, "flood (idle)");
    const idleP99 = percentile(idle.latencies, 0.99);
    const during: { endedAt: number; ms: number }[] = [];
    const hot = cannon(gateway, { connections: 1, duration: 120 }, (endedAt, ms, status) => {
      if (status === 200) during.push({ endedAt, ms });
      else error(`flood: victim request answered ${status}`);
    });
    await new Promise((r) => setTimeout(r, 300));
    const idPart = (gw.coldKeys[0] ?? gw.key).slice("ne_live_".length, "ne_live_".length + 12);
    const floodPool = poolFor(gw.origin, opt.floodKeys);
    const burstStart = performance.now();
    const floods = await Promise.allSettled(
      Array.from({ length: opt.floodKeys }, () =>
        post({ ...gateway, headers: { ...gateway.headers, authorization: `Bearer ${forgeKey(idPart)}` } }, chatBody, floodPool),
      ),
    );
    const burstEnd = performance.now();
    hot.stop();
    await hot.done;
    const statuses: Record<string, number> = {};
    for (const f of floods) {
      const s = f.status === "fulfilled" ? String(f.value.status) : "failed";
      statuses[s] = (statuses[s] ?? 0) + 1;
    }
    const refusedWell = (statuses["401"] ?? 0) + (statuses["429"] ?? 0) + (statuses["503"] ?? 0);
    if (refusedWell !== opt.floodKeys) error(`flood: forged keys answered ${JSON.stringify(statuses)}`);
    const overlapping = sortNumbers(during.filter((d) => d.endedAt >= burstStart && d.endedAt - d.ms <= burstEnd).map((d) => d.ms));
    const floodP99 = percentile(overlapping, 0.99);
    results.flood = {
      forgedKeys: opt.floodKeys,
      statuses,
      idleP99Ms: round(idleP99),
      duringFloodP99Ms: round(floodP99),
      victimRequestsDuringFlood: overlapping.length,
      floodMs: round(burstEnd - burstStart, 1),
      ratio: round(floodP99 / idleP99, 2),
    };
    log(`bcrypt flood        victim p99 ${idleP99.toFixed(3)} ms idle, ${floodP99.toFixed(3)} ms during ${opt.floodKeys} forged keys (${JSON.stringify(statuses)})`);
  }
} catch (err) {
  error((err as Error).stack ?? String(err));
} finally {
  await Promise.allSettled([...pools.values()].map((p) => p.close()));
  await Promise.allSettled(children.map(stopChild));
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
}

// ---------------------------------------------------------------- report
type Row = { measurement: string; figure: string; ratio: string; target: string; met: string };
const rows: Row[] = [];
const targets: { name: string; value: number | null; target: string; met: boolean }[] = [];
const get = (path: string): number | undefined => {
  let v: unknown = results;
  for (const k of path.split(".")) v = (v as Record<string, unknown> | undefined)?.[k];
  return typeof v === "number" ? v : undefined;
};
const fmt = (x: number | undefined, unit: string, digits = 0) => (x === undefined ? "—" : `${x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`.trim());
function row(measurement: string, figure: string, ratio = "", target = "", met?: boolean, value?: number | null): void {
  rows.push({ measurement, figure, ratio, target, met: met === undefined ? "" : met ? "yes" : "no" });
  if (met !== undefined) targets.push({ name: measurement, value: value ?? null, target, met });
}

const tDirect = get("throughput.direct.rps");
const tGateway = get("throughput.gateway.rps");
if (results.throughput) {
  const labels: Record<string, string> = { direct: "client → mock directly", bare: "bare node:http + undici proxy", gateway: "NeuronEdge (npm start /v1 door)", portkey: "Portkey gateway 1.15", next: "NeuronEdge route handler (next start)" };
  for (const name of ["direct", "bare", "gateway", "portkey", "next"]) {
    const rps = get(`throughput.${name}.rps`);
    if (rps === undefined) continue;
    const ratio = tDirect ? `${(rps / tDirect).toFixed(2)}× direct` : "";
    const rounds = (results.throughput as Record<string, { rounds?: number[] }>)[name]?.rounds ?? [];
    const figure = fmt(rps, "req/s") + (rounds.length > 1 ? ` (median of ${rounds.map((x) => x.toLocaleString("en-US")).join(", ")})` : "");
    const vsDirect = get("throughput.ratios.gatewayVsDirect.median");
    const vsBare = get("throughput.ratios.gatewayVsBare.median");
    if (name === "gateway" && vsDirect !== undefined) {
      const each = (results.throughput as { ratios: { gatewayVsDirect: { rounds: number[] } } }).ratios.gatewayVsDirect.rounds;
      const detail = `${vsDirect.toFixed(2)}× direct${each.length > 1 ? ` (rounds: ${each.map((x) => x.toFixed(2)).join(", ")})` : ""}${vsBare === undefined ? "" : `, ${vsBare.toFixed(2)}× bare`}`;
      row(`Throughput, ${labels[name]}`, figure, detail, "≥ 0.45× direct", vsDirect >= 0.45, round(vsDirect, 2));
    } else if (name === "bare" && get("throughput.ratios.bareVsDirect.median") !== undefined) {
      row(`Throughput, ${labels[name]}`, figure, `${get("throughput.ratios.bareVsDirect.median")!.toFixed(2)}× direct`);
    } else row(`Throughput, ${labels[name]}`, figure, ratio);
  }
  // CPU per request hardly depends on what else the machine does: the steadier comparison.
  const cpu = (name: string) => get(`throughput.${name}.cpuUsPerRequest`);
  const withCpu = ["direct", "bare", "gateway", "portkey", "next"].filter((n) => cpu(n) !== undefined);
  const gCpu = cpu("gateway");
  const bCpu = cpu("bare");
  if (withCpu.length > 0) {
    row(
      `CPU time per request, own process only (${withCpu.join(" / ")})`,
      `${withCpu.map((n) => fmt(cpu(n), "")).join(" / ")} µs`,
      gCpu && bCpu ? `gateway ${(gCpu / bCpu).toFixed(2)}× bare` : "",
    );
  }
  const writeCpu = get("usage.writeCpuUsPerRequest");
  if (writeCpu !== undefined) {
    const wall = get("usage.writeWallUsPerRequest");
    // A batch is 1,000 events: µs a request is also ms a full batch holds the event loop.
    row(
      "Usage batch writes into the embedded database, per request: CPU (wall time the event loop was held)",
      `${fmt(writeCpu, "", 1)} (${fmt(wall, "", 1)}) µs`,
      gCpu ? `${((writeCpu / gCpu) * 100).toFixed(0)}% of the gateway's CPU per request` : "",
    );
    const n = get("usage.requests") ?? NaN;
    const ev = get("usage.events") ?? NaN;
    const hr = get("usage.hourly") ?? NaN;
    const dy = get("usage.daily") ?? NaN;
    row(
      `Usage recorded for ${fmt(n, "")} requests at ${opt.connections} connections (events / hourly / daily rollups)`,
      `${fmt(ev, "")} / ${fmt(hr, "")} / ${fmt(dy, "")}`,
      "",
      "every request, once",
      ev === n && hr === n && dy === n,
      ev - n,
    );
  }
  const tPortkey = get("throughput.portkey.rps");
  if (tGateway && tPortkey) row("Throughput, NeuronEdge vs Portkey", `${(tGateway / tPortkey).toFixed(2)}×`, `${(tGateway / tPortkey).toFixed(2)}× Portkey`, "≥ 3× Portkey", tGateway / tPortkey >= 3, round(tGateway / tPortkey, 2));
}
if (results.latency) {
  for (const name of ["direct", "bare", "gateway"]) {
    row(`Latency p50 / p99 at 1 connection, ${name}`, `${fmt(get(`latency.${name}.p50Ms`), "", 3)} / ${fmt(get(`latency.${name}.p99Ms`), "ms", 3)}`);
  }
  const added = (get("latency.gateway.p50Ms") ?? NaN) - (get("latency.direct.p50Ms") ?? NaN);
  const bareAdded = (get("latency.bare.p50Ms") ?? NaN) - (get("latency.direct.p50Ms") ?? NaN);
  row("Added latency p50 (gateway − direct)", `${added.toFixed(3)} ms`, `bare adds ${bareAdded.toFixed(3)} ms`, "< 0.5 ms", added < 0.5, round(added));
}
if (results.stream) {
  const d = get("stream.direct.ttfbP50Ms") ?? NaN;
  const b = get("stream.bare.ttfbP50Ms") ?? NaN;
  const g = get("stream.gateway.ttfbP50Ms") ?? NaN;
  row(`Stream of ${opt.streamChunks} chunks as a model sends it, first chunk p50 (direct / bare / gateway)`, `${d.toFixed(3)} / ${b.toFixed(3)} / ${g.toFixed(3)} ms`, `+${(g - d).toFixed(3)} ms (bare +${(b - d).toFixed(3)})`, "within 1 ms of direct", g - d <= 1, round(g - d));
  const dt = get("stream.direct.totalP50Ms") ?? NaN;
  const bt = get("stream.bare.totalP50Ms") ?? NaN;
  const gt = get("stream.gateway.totalP50Ms") ?? NaN;
  row(`Same stream, whole stream p50 (${FIRST_CHUNK_GAP_MS} ms pause after the first chunk included)`, `${dt.toFixed(3)} / ${bt.toFixed(3)} / ${gt.toFixed(3)} ms`, `+${(gt - dt).toFixed(3)} ms (bare +${(bt - dt).toFixed(3)})`);
}
if (results.streamBurst) {
  const dt = get("streamBurst.direct.totalP50Ms") ?? NaN;
  const bt = get("streamBurst.bare.totalP50Ms") ?? NaN;
  const gt = get("streamBurst.gateway.totalP50Ms") ?? NaN;
  row(`Stream of ${opt.streamChunks} chunks sent back to back in one write, whole stream p50`, `${dt.toFixed(3)} / ${bt.toFixed(3)} / ${gt.toFixed(3)} ms`, `+${(gt - dt).toFixed(3)} ms (bare +${(bt - dt).toFixed(3)})`);
}
if (results.largePrompt) {
  const d = get("largePrompt.direct.p50Ms") ?? NaN;
  const g = get("largePrompt.gateway.p50Ms") ?? NaN;
  row(`${(opt.promptBytes / 1048576).toFixed(0)} MB prompt, p50 at 1 connection (direct / gateway)`, `${d.toFixed(2)} / ${g.toFixed(2)} ms`, `+${(g - d).toFixed(2)} ms`);
  const ds = get("largeStream.direct.totalP50Ms") ?? NaN;
  const gs = get("largeStream.gateway.totalP50Ms") ?? NaN;
  const mb = (get("largeStream.direct.bytes") ?? 0) / 1048576;
  row(`${mb.toFixed(1)} MB streamed response (${opt.largeChunks} chunks), p50 (direct / gateway)`, `${ds.toFixed(2)} / ${gs.toFixed(2)} ms`, `+${(gs - ds).toFixed(2)} ms`);
}
if (results.memory) {
  const peak = get("memory.rssPeakMb") ?? NaN;
  const before = get("memory.rssBeforeMb") ?? NaN;
  const allOpen = get("memory.rssAllOpenMb");
  row(
    `Gateway RSS (the /v1 door alone), ${opt.memoryStreams} slow streams open at once (embedded PGlite in the same process)`,
    `${peak.toFixed(0)} MB peak${allOpen === undefined ? "" : `, ${allOpen.toFixed(0)} MB with all open`} (${before.toFixed(0)} MB before)`,
    `+${(peak - before).toFixed(0)} MB for the streams`,
    "< 300 MB",
    peak < 300,
    round(peak, 1),
  );
  const wasm = get("memory.pgliteWasmMb");
  const wasmResident = get("memory.allOpenPgliteResidentMb");
  if (wasm !== undefined && wasmResident !== undefined && allOpen !== undefined) {
    row(
      `Gateway RSS with all streams open, less the embedded database's resident WebAssembly pages (of its ${wasm.toFixed(0)} MB heap)`,
      `${(allOpen - wasmResident).toFixed(0)} MB (${wasmResident.toFixed(0)} MB resident in the database)`,
      "",
    );
  }
  const appPeak = get("memoryApp.rssPeakMb");
  if (appPeak !== undefined) {
    const appBefore = get("memoryApp.rssBeforeMb") ?? NaN;
    row(
      `npm start RSS (dashboard loaded too), ${opt.memoryStreams} slow streams open at once`,
      `${appPeak.toFixed(0)} MB peak (${appBefore.toFixed(0)} MB before)`,
      `+${(appPeak - appBefore).toFixed(0)} MB for the streams`,
      "< 300 MB",
      appPeak < 300,
      round(appPeak, 1),
    );
  }
  const first = get("firstStartRssMb");
  if (first !== undefined) row("RSS of the process that created the embedded database (first start)", `${first} MB`);
}
if (results.cold) {
  const idle = get("cold.idleP99Ms") ?? NaN;
  const during = get("cold.duringBurstP99Ms") ?? NaN;
  row(`Cached-key p99 while ${opt.coldKeys} never-seen keys verify (idle / during)`, `${idle.toFixed(3)} / ${during.toFixed(3)} ms`, `${(during / idle).toFixed(1)}× idle`, "≤ 3× idle", during / idle <= 3, round(during / idle, 2));
}
if (results.flood) {
  const idle = get("flood.idleP99Ms") ?? NaN;
  const during = get("flood.duringFloodP99Ms") ?? NaN;
  row(`Cached-key p99 during a flood of ${opt.floodKeys} forged secrets for one id (idle / during)`, `${idle.toFixed(3)} / ${during.toFixed(3)} ms`, `${(during / idle).toFixed(1)}× idle`, "≤ 3× idle", during / idle <= 3, round(during / idle, 2));
}
row("Errors (failed requests, non-2xx, dead children)", String(errors.length), "", "0", errors.length === 0, errors.length);

const header: Row = { measurement: "Measurement", figure: "Figure", ratio: "Ratio", target: "Target", met: "Met" };
const cols = ["measurement", "figure", "ratio", "target", "met"] as const;
const widths = cols.map((c) => Math.max(...[header, ...rows].map((r) => String(r[c]).length)));
const line = (r: Row) => `| ${cols.map((c, i) => String(r[c]).padEnd(widths[i])).join(" | ")} |`;
const table = [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
const totalSeconds = round((performance.now() - startedAt) / 1000, 1);
console.log(`\n${table}\n`);
console.log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${date}; ${totalSeconds} s${nextBuildSeconds ? ` (of which ${nextBuildSeconds} s building the app)` : ""}`);
const missed = targets.filter((t) => !t.met);
if (missed.length) console.log(`Targets missed: ${missed.map((t) => t.name).join("; ")}`);
if (smoke) console.log("Smoke run: tiny sizes; the figures only show that every step works.");
if (!opt.portkey) console.log("Portkey was skipped (--skip-portkey).");
if (!opt.next) console.log(`The Next route-handler door was skipped (${smoke ? "smoke runs do not build the app" : "--skip-next"}).`);

if (opt.out) {
  const doc = { machine, date, command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`, smoke, options: { ...opt, phases: [...opt.phases] }, totalSeconds, nextBuildSeconds, results, targets, errors, table };
  writeFileSync(`${opt.out}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(`${opt.out}.tmp`, opt.out);
  console.log(`Wrote ${opt.out}`);
}
if (errors.length) exitCode = 1;
process.exit(exitCode);
