// `npm test`: lint and format check, type check, unit and integration tests (PGlite; Postgres too when
// DATABASE_URL is set), the Playwright browser tests against the built app, then the
// benchmark's smoke run (npm run bench -- --smoke).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const bin = (name) => join(root, "node_modules", ".bin", name);
const results = join(root, "test-results");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

rmSync(join(results, "vitest.json"), { force: true });
rmSync(join(results, "e2e.json"), { force: true });
mkdirSync(results, { recursive: true });

const steps = [
  // Lint, format and the import-cycle rule (biome.jsonc); `npm run format` fixes what it can.
  ["Lint and format check (Biome)", bin("biome"), ["ci", "."]],
  ["Type check", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]],
  [
    "Unit and integration tests",
    bin("vitest"),
    ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${join(results, "vitest.json")}`],
  ],
  ["Browser tests (Playwright, system Chromium)", bin("playwright"), ["test"]],
  // Every benchmark step at tiny sizes (under a minute): fails only when a request errors, never on figures.
  ["Benchmark smoke run", process.execPath, ["--import", "tsx", join(root, "bench", "run.ts"), "--smoke"]],
];

let failedStep = null;
for (const [title, cmd, args] of steps) {
  console.log(`\n=== ${title} ===`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env });
  if (r.status !== 0) {
    failedStep = title;
    break;
  }
}

// One closing line over both runners, the way CI reads it.
let passed = 0;
let failed = 0;
const v = join(results, "vitest.json");
if (existsSync(v)) {
  const j = JSON.parse(readFileSync(v, "utf8"));
  passed += j.numPassedTests ?? 0;
  failed += j.numFailedTests ?? 0;
}
const e = join(results, "e2e.json");
if (existsSync(e)) {
  const s = JSON.parse(readFileSync(e, "utf8")).stats ?? {};
  passed += s.expected ?? 0;
  failed += (s.unexpected ?? 0) + (s.flaky ?? 0);
}
if (failedStep) console.error(`\nFailed at: ${failedStep}`);
if (failedStep && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failedStep ? 1 : 0);
