// `npm start`: build the app if there is no build for the current sources, then run server.ts
// (compiled into .next/neuronedge/server.mjs by scripts/build-server.mjs, run with plain node).
import { spawnSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildServer } from "./build-server.mjs";

const root = new URL("..", import.meta.url).pathname;
const stampFile = join(root, ".next", "neuronedge-source-hash");
const sources = [
  "app",
  "components",
  "lib",
  "db",
  "server.ts",
  "proxy.ts",
  "next.config.mjs",
  "postcss.config.mjs",
  "package-lock.json",
  "tsconfig.json",
  "scripts/build-server.mjs",
];
export const SERVER_BUNDLE = ".next/neuronedge/server.mjs";
// WebAssembly (the embedded database, undici's HTTP parser) compiled by V8's baseline compiler only:
// tiering hot functions up to TurboFan held tens of MB for good, and the bench shows no CPU cost for it.
// A 512 MB heap limit: V8 lets garbage pile up to a multiple of the live heap, a factor it picks
// and caps by the limit (smaller under a lower limit), so a thousand streams opening at once cost
// far less resident memory; a limit of your own in NODE_OPTIONS (--max-old-space-size) wins.
// With it, the old generation grows by only 30% between major collections: steadier memory under
// the same load, for no CPU cost the bench could tell from its noise (docs/performance.md).
const OWN_HEAP_LIMIT = /--max-old-space-size/.test(process.env.NODE_OPTIONS ?? "");
export const SERVER_NODE_FLAGS = ["--liftoff-only", ...(OWN_HEAP_LIMIT ? [] : ["--max-old-space-size=512", "--heap-growing-percent=30"])];

function hashTree(hash, path) {
  if (!existsSync(path)) return;
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (!name.endsWith(".test.ts")) hashTree(hash, join(path, name));
    }
  } else {
    hash.update(path.slice(root.length)).update(readFileSync(path));
  }
}

export function sourceHash() {
  const hash = createHash("sha256");
  for (const s of sources) hashTree(hash, join(root, s));
  return hash.digest("hex");
}

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

export function ensureBuild() {
  const want = sourceHash();
  const built = existsSync(join(root, ".next", "BUILD_ID")) && existsSync(join(root, SERVER_BUNDLE));
  const have = built && existsSync(stampFile) ? readFileSync(stampFile, "utf8") : "";
  if (have === want) return;
  console.log(
    have
      ? "Rebuilding NeuronEdge: the sources changed since the last build. This takes about a minute."
      : "Building NeuronEdge for its first start: compiling the dashboard and the gateway, which takes one to two\n" +
          "minutes on a laptop and happens once. Later starts take a few seconds.",
  );
  const startedAt = Date.now();
  const r = spawnSync(process.execPath, [join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...env, NODE_ENV: "production" },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  buildServer("server.ts", SERVER_BUNDLE);
  writeFileSync(stampFile, want);
  console.log(`Built in ${Math.round((Date.now() - startedAt) / 1000)} s. Starting…`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureBuild();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, join(root, SERVER_BUNDLE)], {
    cwd: root,
    stdio: "inherit",
    env: { ...env, NODE_ENV: "production" },
  });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
