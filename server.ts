import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import nextEnv from "@next/env";
import next from "next";
import { closeDb } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { assertSafeBind } from "@/lib/auth/local-guard";
import { getEnv, type Env } from "@/lib/env";
import { createNodeServer } from "@/lib/gateway/node-server";
import { closeUpstreamPools } from "@/lib/gateway/upstream";
import { closePolicyRuntime, policyRuntime } from "@/lib/limits/runtime";
import { drainAndStop } from "@/lib/shutdown";
import { startUsageMaintenance, stopUsageMaintenance } from "@/lib/usage/maintenance";

// `npm start` runs this: one Node server in front of Next. The gateway core answers
// /v1/* here directly, since Next's request pipeline is the throughput ceiling
// (docs/performance.md); every other request goes to Next's own handler.

const dev = process.argv.includes("--dev");
const migrateOnly = process.argv.includes("--migrate-only");

function describeDatabase(): string {
  const env = getEnv();
  if (env.dbDriver === "pglite") return `embedded PGlite in ${env.DATA_DIR}`;
  const url = new URL(env.DATABASE_URL!);
  return `${env.dbDriver === "neon" ? "Neon" : "Postgres"} at ${url.host}${url.pathname}`;
}

/**
 * PGlite's initdb grows its WebAssembly memory to hundreds of MB, and a process never gets that back.
 * A new embedded database is therefore created by a short-lived copy of this process
 * (`--migrate-only`); the server then opens it ready-made.
 */
function createEmbeddedDatabaseApart(env: Env): void {
  if (env.dbDriver !== "pglite" || env.DATA_DIR.includes("://") || existsSync(join(env.DATA_DIR, "PG_VERSION"))) return;
  console.log(`Creating the embedded database in ${env.DATA_DIR}…`);
  const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], "--migrate-only"], { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`Could not create the embedded database in ${env.DATA_DIR}.`);
}

async function main(): Promise<void> {
  // .env, .env.local, .env.production…: the same files Next reads, loaded before we read them.
  nextEnv.loadEnvConfig(process.cwd(), dev);
  const env = getEnv();
  if (migrateOnly) {
    await migrateDatabase();
    await closeDb();
    return;
  }
  assertSafeBind(env);
  createEmbeddedDatabaseApart(env);
  try {
    await migrateDatabase();
  } catch (err) {
    throw new Error(`Could not migrate the database (${describeDatabase()}): ${(err as Error).message}`);
  }

  policyRuntime();
  const app = next({ dev, hostname: env.host, port: env.PORT, dir: process.cwd() });
  await app.prepare();
  const handleNext = app.getRequestHandler();

  // Timeouts, connection cap, request-target checks and /v1/* are the node server's; the rest is
  // Next's, with the client's address stamped on by the server (lib/auth/client-ip.ts).
  const server = createNodeServer(env, (req, res) => {
    handleNext(req, res).catch((err: Error) => {
      console.error("[neuronedge] Next failed to answer:", err.message);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = env.host.includes(":") ? `[${env.host}]` : env.host;
  console.log(`NeuronEdge ready on http://${shownHost}:${port} (${env.clerkEnabled ? "Clerk" : "local"} mode, ${describeDatabase()})`);

  // Partition upkeep and raw-event retention (USAGE_RETENTION_DAYS), off the request path.
  startUsageMaintenance();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing open requests…`);
    // Ctrl-C at a terminal needs no load balancer to notice: no drain delay.
    const drainMs = signal === "SIGINT" ? 0 : env.shutdownDrainMs;
    await drainAndStop({ server, drainMs, graceMs: env.SHUTDOWN_GRACE_MS });
    await Promise.allSettled([closeUpstreamPools(), closePolicyRuntime(), stopUsageMaintenance()]);
    await closeDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err: Error) => {
  console.error(`NeuronEdge could not start: ${err.message}`);
  process.exit(1);
});
