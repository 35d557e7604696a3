// server.ts compiled ahead of time into one ES module, so `npm start` runs it with plain `node`:
// tsx's loader cost tens of MB resident and compiled every module (PGlite's large glue included) at
// each start. Our code is bundled; packages stay in node_modules. The output lives under .next/,
// beside the app build it belongs to, where Node still finds node_modules by walking up.
//   buildServer("server.ts", ".next/neuronedge/server.mjs")
import { buildSync } from "esbuild";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

/** Bundles `entry` (relative to the root) into `outfile`; returns the output's absolute path. */
export function buildServer(entry, outfile) {
  const out = join(root, outfile);
  buildSync({
    entryPoints: [join(root, entry)],
    outfile: out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: join(root, "tsconfig.json"),
    sourcemap: "linked", // stack traces stay readable with --enable-source-maps; nothing loads it otherwise
    logLevel: "warning",
  });
  return out;
}
