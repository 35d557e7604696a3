// Playwright's webServer: empty the test database, then `node scripts/start.mjs`
// (which builds the app if the sources changed and runs server.ts).
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dataDir = process.env.DATA_DIR;
if (!dataDir || !/\.data-e2e\/?$/.test(dataDir)) {
  // Refuse to delete anything but the e2e database.
  console.error(`e2e/web-server.mjs: DATA_DIR must end in .data-e2e, got ${dataDir ?? "(unset)"}`);
  process.exit(1);
}
rmSync(dataDir, { recursive: true, force: true });

const start = fileURLToPath(new URL("../scripts/start.mjs", import.meta.url));
const child = spawn(process.execPath, [start], { stdio: "inherit", env: process.env });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
