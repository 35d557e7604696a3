// Starting what the bench measures: the mocks, the bare proxy, the gateway, Portkey and the Next
// door, each in its own process, each checked with one real chat completion before anything counts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type Child, type Children } from "./lib/children";
import { check, poolFor, type Endpoint } from "./lib/load";
import { log } from "./lib/log";
import { FIRST_CHUNK_GAP_MS, root, SLOW_CHUNKS, type Options } from "./options";

export interface GatewayInfo {
  origin: string;
  pid: number;
  key: string;
  /** Keys no process has verified yet (bench/gateway-server.ts --cold-keys). */
  coldKeys: string[];
  /** The many-keys phase's keys, one per line (bench/gateway-server.ts --many-keys); null without the phase. */
  manyKeysFile: string | null;
}

/** The whole `npm start` server, with a key of its own. */
export interface App {
  origin: string;
  pid: number;
  headers: Record<string, string>;
  stop(): Promise<void>;
}

/** What every phase is given: the options and the started targets. */
export interface BenchContext {
  opt: Options;
  direct: Endpoint;
  bare: Endpoint;
  gateway: Endpoint;
  /** Every target started, in the table's order. */
  targets: Endpoint[];
  /** Direct, bare, gateway (and Portkey) against the cheap upstream (the cheap phase); null without it. */
  cheap: Endpoint[] | null;
  gw: GatewayInfo;
  /** Starts the whole `npm start` server on a database of its own (needs the build). */
  startApp(): Promise<App>;
}

const tempDirs: string[] = [];
function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `neuronedge-bench-${label}-`));
  tempDirs.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
}

const tsx = (file: string, ...args: string[]) => ["--import", "tsx", join(root, file), ...args];

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

export async function startTargets(
  opt: Options,
  children: Children,
  run: { gatewayBundle: string; serverNodeFlags: string[]; smoke: boolean },
): Promise<{ ctx: BenchContext; firstStartRssMb: number }> {
  const slowDelay = Math.max(1, Math.round((opt.memorySeconds * 1000) / SLOW_CHUNKS));
  // The databases are created (initdb + migrations) by a process of their own, as by an earlier
  // `npm start`: PGlite's initdb leaves hundreds of MB of WebAssembly memory behind in the process
  // that ran it, which would swamp what the gateway itself holds. That first-start figure is recorded too.
  const migrated = (dataDir: string) =>
    children.start("migrate", [run.gatewayBundle, "--migrate-only"], { DATA_DIR: dataDir }, /^MIGRATED (.*)$/m).then((c) => {
      c.stopping = true; // it exits by itself
      return new Promise<number>((resolve) => c.proc.once("exit", () => resolve(JSON.parse(c.ready).rssMb)));
    });
  const gatewayDir = tempDir("gateway");
  const nextDir = opt.next ? tempDir("next") : null;
  const portkeyPort = opt.portkey ? await freePort() : 0;
  const [mock, slowMock, firstStartRssMb, , portkeyChild] = await Promise.all([
    // Streams for model bench-paced: the first chunk alone, a pause, the rest (as a model streams).
    children.start(
      "mock",
      tsx(
        "bench/mock.ts",
        "--chunks",
        String(opt.streamChunks),
        "--pace",
        "first",
        "--chunk-delay-ms",
        String(FIRST_CHUNK_GAP_MS),
        "--large-chunks",
        String(opt.largeChunks),
        "--large-chunk-bytes",
        String(opt.largeChunkBytes),
      ),
      {},
    ),
    // Slow streams for the memory test: SLOW_CHUNKS deltas, paced to last --memory-seconds.
    children.start("slow mock", tsx("bench/mock.ts", "--chunks", String(SLOW_CHUNKS), "--chunk-delay-ms", String(slowDelay)), {}),
    migrated(gatewayDir),
    nextDir ? migrated(nextDir) : null,
    opt.portkey
      ? children.start(
          "portkey",
          [join(root, "node_modules/@portkey-ai/gateway/build/start-server.js"), `--port=${portkeyPort}`, "--headless"],
          { NODE_ENV: "production" },
          /(Ready for connections)/,
        )
      : null,
  ]);
  const mockUrl = mock.ready.trim();
  const slowUrl = slowMock.ready.trim();

  const cheapChild = opt.phases.has("cheap") ? await children.start("cheap upstream", tsx("bench/cheap-upstream.ts"), {}) : null;
  const cheapUrl = cheapChild?.ready.trim() ?? null;
  const gatewayEnv = {
    DATA_DIR: gatewayDir,
    PROVIDER_OPENAI_BASE_URL: `${mockUrl}/v1`,
    // Another OpenAI-compatible id for the cheap upstream: the same adapter and code path.
    ...(cheapUrl ? { PROVIDER_TOGETHER_BASE_URL: `${cheapUrl}/v1` } : {}),
    // An OpenAI-compatible provider id for the slow mock: the same adapter and code path.
    PROVIDER_GROQ_BASE_URL: `${slowUrl}/v1`,
    BCRYPT_COST: "10",
    NODE_ENV: "production",
  };
  const gatewayArgs = [
    ...(opt.cpuProf ? ["--cpu-prof", "--cpu-prof-dir", opt.cpuProf] : []),
    ...run.serverNodeFlags,
    run.gatewayBundle,
    "--cold-keys",
    String(opt.coldKeys),
    ...(opt.phases.has("keys") ? ["--many-keys", String(opt.manyKeys), "--many-keys-file", join(gatewayDir, "many-keys.txt")] : []),
  ];
  const nextPort = await freePort();
  const [gatewayChild, bareChild, nextChild, cheapBareChild] = await Promise.all([
    children.start("gateway", gatewayArgs, gatewayEnv),
    children.start("bare", tsx("bench/bare-proxy.ts"), { UPSTREAM: mockUrl }),
    nextDir
      ? children.start(
          "next",
          [join(root, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(nextPort)],
          { DATA_DIR: nextDir, PROVIDER_OPENAI_BASE_URL: `${mockUrl}/v1`, NODE_ENV: "production" },
          /(Ready in)/,
        )
      : null,
    cheapUrl ? children.start("bare (cheap)", tsx("bench/bare-proxy.ts"), { UPSTREAM: cheapUrl }) : null,
  ]);
  const gw = {
    ...(JSON.parse(gatewayChild.ready) as Omit<GatewayInfo, "manyKeysFile">),
    manyKeysFile: opt.phases.has("keys") ? join(gatewayDir, "many-keys.txt") : null,
  };

  let nextOrigin: string | null = null;
  let nextKey: string | null = null;
  if (opt.next) {
    nextOrigin = `http://127.0.0.1:${nextPort}`;
    nextKey = await createBenchKey(nextOrigin, "next start");
  }

  const direct: Endpoint = {
    name: "direct",
    url: `${mockUrl}/v1/chat/completions`,
    headers: { authorization: "Bearer sk-bench" },
    pid: mock.pid,
  };
  const bare: Endpoint = {
    name: "bare",
    url: `${bareChild.ready.trim()}/v1/openai/chat/completions`,
    headers: { authorization: "Bearer sk-bench" },
    pid: bareChild.pid,
  };
  const gateway: Endpoint = {
    name: "gateway",
    url: `${gw.origin}/v1/openai/chat/completions`,
    headers: { authorization: `Bearer ${gw.key}`, "x-provider-api-key": "sk-bench" },
    pid: gw.pid,
  };
  const portkey: Endpoint | null = portkeyChild
    ? {
        name: "portkey",
        url: `http://127.0.0.1:${portkeyPort}/v1/chat/completions`,
        headers: { authorization: "Bearer sk-bench", "x-portkey-provider": "openai", "x-portkey-custom-host": `${mockUrl}/v1` },
        pid: portkeyChild.pid,
      }
    : null;
  const nextDoor: Endpoint | null =
    nextOrigin && nextChild
      ? {
          name: "next",
          url: `${nextOrigin}/v1/openai/chat/completions`,
          headers: { authorization: `Bearer ${nextKey}`, "x-provider-api-key": "sk-bench" },
          pid: nextChild.pid,
        }
      : null;
  const targets = [direct, bare, gateway, portkey, nextDoor].filter((t): t is Endpoint => t !== null);
  const cheap: Endpoint[] | null =
    cheapUrl && cheapChild && cheapBareChild
      ? [
          { name: "direct", url: `${cheapUrl}/v1/chat/completions`, headers: { authorization: "Bearer sk-bench" }, pid: cheapChild.pid },
          {
            name: "bare",
            url: `${cheapBareChild.ready.trim()}/v1/openai/chat/completions`,
            headers: { authorization: "Bearer sk-bench" },
            pid: cheapBareChild.pid,
          },
          { ...gateway, url: `${gw.origin}/v1/together/chat/completions` },
          ...(portkey ? [{ ...portkey, headers: { ...portkey.headers, "x-portkey-custom-host": `${cheapUrl}/v1` } }] : []),
        ]
      : null;
  for (const t of cheap ?? []) await check(t);
  for (const t of targets) await check(t);
  const skipped = `${opt.portkey ? "" : " (Portkey skipped)"}${opt.next ? "" : ` (Next door skipped${run.smoke ? ": smoke runs have no build" : ""})`}`;
  log(`started: ${targets.map((t) => t.name).join(", ")}${skipped}`);

  async function startApp(): Promise<App> {
    const dataDir = tempDir("app");
    await migrated(dataDir);
    const port = await freePort();
    const child: Child = await children.start(
      "npm start",
      [...run.serverNodeFlags, join(root, ".next/neuronedge/server.mjs")],
      { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", PROVIDER_GROQ_BASE_URL: `${slowUrl}/v1`, NODE_ENV: "production" },
      /NeuronEdge ready on (\S+)/,
    );
    const origin = `http://127.0.0.1:${port}`;
    const key = await createBenchKey(origin, "npm start");
    return {
      origin,
      pid: child.pid,
      headers: { authorization: `Bearer ${key}`, "x-provider-api-key": "sk-bench" },
      stop: () => children.stop(child),
    };
  }

  return { ctx: { opt, direct, bare, gateway, targets, cheap, gw, startApp }, firstStartRssMb };
}
