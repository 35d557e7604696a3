import http from "node:http";
import type { AddressInfo } from "node:net";
import nextEnv from "@next/env";
import next from "next";
import { closeDb } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { assertSafeBind } from "@/lib/auth/local-guard";
import { getEnv } from "@/lib/env";
import { serveGateway } from "@/lib/gateway/node";
import { closeUpstreamPools } from "@/lib/gateway/upstream";
import { flushUsage } from "@/lib/usage/recorder";
import { closePolicyRuntime, policyRuntime } from "@/lib/limits/runtime";

// `npm start` runs this: one Node server in front of Next. The gateway core answers
// /v1/* here directly, since Next's request pipeline is the throughput ceiling
// (DESIGN.md); every other request goes to Next's own handler.

const dev = process.argv.includes("--dev");

function describeDatabase(): string {
  const env = getEnv();
  if (env.dbDriver === "pglite") return `embedded PGlite in ${env.DATA_DIR}`;
  const url = new URL(env.DATABASE_URL!);
  return `${env.dbDriver === "neon" ? "Neon" : "Postgres"} at ${url.host}${url.pathname}`;
}

async function main(): Promise<void> {
  // .env, .env.local, .env.production…: the same files Next reads, loaded before we read them.
  nextEnv.loadEnvConfig(process.cwd(), dev);
  const env = getEnv();
  assertSafeBind(env);
  try {
    await migrateDatabase();
  } catch (err) {
    throw new Error(`Could not migrate the database (${describeDatabase()}): ${(err as Error).message}`);
  }

  policyRuntime();
  const app = next({ dev, hostname: env.host, port: env.PORT, dir: process.cwd() });
  await app.prepare();
  const handleNext = app.getRequestHandler();

  const server = http.createServer((req, res) => {
    if (serveGateway(env, req, res)) return;
    // The audit log records the client's address: a proxy in front reports it in
    // X-Forwarded-For; without one, it is the socket's peer.
    req.headers["x-forwarded-for"] ??= req.socket.remoteAddress;
    void handleNext(req, res);
  });
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = env.host.includes(":") ? `[${env.host}]` : env.host;
  console.log(
    `NeuronEdge ready on http://${shownHost}:${port} (${env.clerkEnabled ? "Clerk" : "local"} mode, ${describeDatabase()})`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing open requests…`);
    server.close();
    server.closeIdleConnections();
    // Long streams get a grace period, then are cut.
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    force.unref();
    await new Promise((r) => server.once("close", r));
    await Promise.allSettled([flushUsage(), closeUpstreamPools(), closePolicyRuntime()]);
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
