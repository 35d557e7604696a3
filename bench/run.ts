// `npm run bench`: the gateway against the bare minimum and against other gateways, in one run,
// on this machine, with one load generator (autocannon, in this process; undici for streams).
// Every target runs in its own child process (bench/start.ts):
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
// The phases are in bench/phases/, the targets aimed for in bench/targets.ts, the flags in
// bench/options.ts (and bench/README.md). Prints a table and writes bench/results.json (not for
// --smoke unless --out is given). Exits 1 when anything errored (a failed request, a child that
// died); missed targets are reported, not fatal.
import { renameSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Children } from "./lib/children";
import { closePools } from "./lib/load";
import { elapsedSeconds, error, errors, log } from "./lib/log";
import { rssMb } from "./lib/proc";
import { round } from "./lib/stats";
import { parseOptions, root, type Phase } from "./options";
import { coldPhase } from "./phases/cold";
import { floodPhase } from "./phases/flood";
import { cheapPhase } from "./phases/cheap";
import { keysPhase } from "./phases/keys";
import { largePhase } from "./phases/large";
import { latencyPhase } from "./phases/latency";
import { memoryPhase } from "./phases/memory";
import { streamPhase } from "./phases/stream";
import { throughputPhase } from "./phases/throughput";
import { formatTable, reportRows } from "./report";
import { removeTempDirs, startTargets, type BenchContext } from "./start";

const { opt, smoke, verbose } = parseOptions(process.argv.slice(2));

/** Each phase in the order they run, and whether the gateway's RSS is noted after it. */
const PHASE_RUNS: [Phase, (ctx: BenchContext) => Promise<Record<string, unknown>>, boolean][] = [
  ["throughput", throughputPhase, true],
  ["latency", latencyPhase, true],
  ["stream", streamPhase, true],
  ["large", largePhase, true],
  ["memory", memoryPhase, true],
  ["cold", coldPhase, true],
  // results.json has never held the gateway's RSS after the flood: kept so its keys stay the same.
  ["flood", floodPhase, false],
  ["keys", keysPhase, true],
  ["cheap", cheapPhase, true],
];

// How `npm start` builds and runs the server: the gateway here runs the same way.
const { ensureBuild, SERVER_NODE_FLAGS } = (await import(pathToFileURL(join(root, "scripts", "start.mjs")).href)) as {
  ensureBuild: () => void;
  SERVER_NODE_FLAGS: string[];
};

const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  node: process.version,
  os: `${process.platform} ${release()}`,
  loadAverageAtStart: loadavg().map((x) => round(x, 2)),
};
const date = new Date().toISOString();
log(
  `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverageAtStart.join(" ")}${smoke ? " (smoke run: tiny sizes, figures mean nothing)" : ""}`,
);

let nextBuildSeconds: number | null = null;
if (opt.build) {
  // The route-handler door and the npm start server need the built app: build it now if the sources changed (as npm start does).
  const t = performance.now();
  ensureBuild();
  nextBuildSeconds = round((performance.now() - t) / 1000, 1);
  log(`Next build ready (${nextBuildSeconds} s)`);
}

// The gateway runs compiled, with plain node, exactly as `npm start` runs server.ts.
const { buildServer } = (await import(pathToFileURL(join(root, "scripts", "build-server.mjs")).href)) as {
  buildServer: (entry: string, outfile: string) => string;
};
const gatewayBundle = buildServer("bench/gateway-server.ts", ".next/neuronedge/bench-gateway.mjs");

const children = new Children({ root, verbose });
const results: Record<string, unknown> = {};
try {
  const { ctx, firstStartRssMb } = await startTargets(opt, children, { gatewayBundle, serverNodeFlags: SERVER_NODE_FLAGS, smoke });
  results.firstStartRssMb = firstStartRssMb;
  // The gateway's resident memory after each phase (MB): what the earlier phases left behind.
  const rss: Record<string, number | null> = { start: round(rssMb(ctx.gw.pid), 1) };
  results.gatewayRssMb = rss;
  for (const [phase, run, noteRss] of PHASE_RUNS) {
    if (!opt.phases.has(phase)) continue;
    Object.assign(results, await run(ctx));
    if (noteRss) rss[phase] = round(rssMb(ctx.gw.pid), 1);
  }
  log(`gateway RSS after each phase (MB): ${JSON.stringify(rss)}`);
} catch (err) {
  error((err as Error).stack ?? String(err));
} finally {
  await closePools();
  await children.stopAll();
  removeTempDirs();
}

const { rows, targets } = reportRows(results, opt, errors.length);
const table = formatTable(rows);
const totalSeconds = round(elapsedSeconds(), 1);
console.log(`\n${table}\n`);
console.log(
  `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${date}; ${totalSeconds} s${nextBuildSeconds ? ` (of which ${nextBuildSeconds} s building the app)` : ""}`,
);
const missed = targets.filter((t) => !t.met);
if (missed.length) console.log(`Targets missed: ${missed.map((t) => t.name).join("; ")}`);
if (smoke) console.log("Smoke run: tiny sizes; the figures only show that every step works.");
if (!opt.portkey) console.log("Portkey was skipped (--skip-portkey).");
if (!opt.next) console.log(`The Next route-handler door was skipped (${smoke ? "smoke runs do not build the app" : "--skip-next"}).`);

if (opt.out) {
  const doc = {
    machine,
    date,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
    smoke,
    options: { ...opt, phases: [...opt.phases] },
    totalSeconds,
    nextBuildSeconds,
    results,
    targets,
    errors,
    table,
  };
  writeFileSync(`${opt.out}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(`${opt.out}.tmp`, opt.out);
  console.log(`Wrote ${opt.out}`);
}
process.exit(errors.length ? 1 : 0);
