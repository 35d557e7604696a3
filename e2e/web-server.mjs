// Playwright's webServer: empty the test database, then `node scripts/start.mjs`
// (which builds the app if the sources changed and runs server.ts).
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dataDir = process.env.DATA_DIR;
if (!dataDir || !/\.data-e2e(-[a-z-]+)?\/?$/.test(dataDir)) {
  // Refuse to delete anything but the e2e database.
  console.error(`e2e/web-server.mjs: DATA_DIR must end in .data-e2e or .data-e2e-<name>, got ${dataDir ?? "(unset)"}`);
  process.exit(1);
}
rmSync(dataDir, { recursive: true, force: true });

// The server's output also goes to this file, which e2e/secret-scan-reporter.ts scans for keys
// once the server has exited; written synchronously, so it is whole when this process exits.
const logPath = process.env.E2E_SERVER_LOG ?? fileURLToPath(new URL("../test-results/e2e-server.log", import.meta.url));
mkdirSync(dirname(logPath), { recursive: true });
// The reporter scans every e2e-server*.log there: a previous run's must not count for this one.
// The first server clears them; a second one (E2E_KEEP_LOGS) must not delete the first's open log.
if (!process.env.E2E_KEEP_LOGS) {
  for (const f of readdirSync(dirname(logPath))) if (/^e2e-server.*\.log$/.test(f)) rmSync(join(dirname(logPath), f), { force: true });
}
const log = openSync(logPath, "w");

const start = fileURLToPath(new URL("../scripts/start.mjs", import.meta.url));
const child = spawn(process.execPath, [start], { stdio: ["inherit", "pipe", "pipe"], env: process.env });
for (const [from, to] of [
  [child.stdout, process.stdout],
  [child.stderr, process.stderr],
]) {
  from.on("data", (chunk) => {
    writeSync(log, chunk);
    to.write(chunk);
  });
}
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
// "close", not "exit": the child's last output may still be in its pipes when it exits.
child.on("close", (code, signal) => {
  closeSync(log);
  process.exit(code ?? (signal ? 1 : 0));
});
