import { existsSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";
import { clerkProject } from "./e2e/clerk-project";

// Browser tests run against the real `npm start` server (built app, embedded database)
// in a system Chromium. Browsers are never downloaded at run time.

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromiumPath)) {
  throw new Error(
    `No Chromium found at ${chromiumPath}. Install one with \`apt-get install -y chromium\` (Debian/Ubuntu) or set CHROMIUM_PATH. Browsers are never downloaded at run time.`,
  );
}

const port = Number(process.env.E2E_PORT ?? 3100);
export const baseURL = `http://127.0.0.1:${port}`;
// A fresh database for every run; `.data-*/` is gitignored. e2e/web-server.mjs empties it first.
const dataDir = join(import.meta.dirname, ".data-e2e");
// e2e/web-server.mjs copies the server's output here; e2e/secret-scan-reporter.ts scans it and
// the database once the server has stopped.
const serverLog = join(import.meta.dirname, "test-results", "e2e-server.log");

// The same dashboard specs, signed in with Clerk, against a second server in Clerk mode.
const clerk = clerkProject(import.meta.dirname, port + 4);
const clerkDataDir = join(import.meta.dirname, ".data-e2e-clerk-project");
const CLERK_SPECS = ["keys-table", "key-page", "forms", "usage-controls", "focus", "a11y"].map((s) => `**/${s}.spec.ts`);

// How both servers run: e2e/web-server.mjs empties its database and runs `node scripts/start.mjs`,
// which builds the app first when the sources changed (the first run: a minute or two).
const webServer = {
  command: "node e2e/web-server.mjs",
  timeout: 180_000,
  reuseExistingServer: false,
  stdout: "pipe" as const,
  stderr: "pipe" as const,
  gracefulShutdown: { signal: "SIGTERM" as const, timeout: 10_000 },
};

const chromiumUse = {
  browserName: "chromium" as const,
  viewport: { width: 1280, height: 800 },
  launchOptions: {
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  },
};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  // One server and one database for all specs: run one test at a time so a test that needs
  // an empty key list (or counts keys) never races another that creates them.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [
    ["list"],
    ["json", { outputFile: "test-results/e2e.json" }],
    // Last: it fails the run if the web server's log or database holds a secret.
    ["./e2e/secret-scan-reporter.ts", { log: serverLog, dataDir: [dataDir, clerkDataDir] }],
  ],
  use: {
    baseURL,
    permissions: ["clipboard-read", "clipboard-write"],
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "chromium", use: chromiumUse },
    { name: "clerk", testMatch: CLERK_SPECS, use: { ...chromiumUse, baseURL: clerk.origin, storageState: clerk.storageState } },
  ],
  webServer: [
    {
      ...webServer,
      url: `${baseURL}/api/health`,
      env: {
        PORT: String(port),
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        E2E_SERVER_LOG: serverLog,
        NEXT_TELEMETRY_DISABLED: "1",
        // Local mode, whatever the developer's shell has: the specs test the no-sign-in dashboard.
        CLERK_SECRET_KEY: "",
        NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: "",
        DATABASE_URL: "",
      },
    },
    {
      // Started after the first, which has built the app: this one finds the build current.
      ...webServer,
      url: `${clerk.origin}/api/health`,
      env: {
        PORT: String(port + 4),
        HOST: "127.0.0.1",
        DATA_DIR: clerkDataDir,
        E2E_SERVER_LOG: join(import.meta.dirname, "test-results", "e2e-server-clerk.log"),
        E2E_KEEP_LOGS: "1",
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: "",
        ...clerk.env,
      },
    },
  ],
});
