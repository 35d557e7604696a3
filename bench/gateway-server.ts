// The gateway under test, in its own process: the `npm start` /v1 door exactly as server.ts
// serves it (createNodeServer: its bounds, the loopback Host guard, handleNodeRequest), without
// Next, on embedded PGlite in DATA_DIR, with usage recording on (it always is).
//   DATA_DIR=… PROVIDER_OPENAI_BASE_URL=… tsx bench/gateway-server.ts [--cold-keys 20]   (the bench runs it bundled, as npm start runs server.ts)
// Prints one line, "READY {json}": origin, pid, a live key with generous limits, and --cold-keys
// keys that no process has verified yet (made at BCRYPT_COST, 10 by default as in production).
//   tsx bench/gateway-server.ts --migrate-only   migrates DATA_DIR, prints "MIGRATED {rssMb}" and exits
import { writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { closeDb } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import type { Caller } from "@/lib/auth/caller";
import { PERMISSIONS } from "@/lib/auth/permissions";
import { getEnv, resetEnv } from "@/lib/env";
import { createNodeServer } from "@/lib/gateway/node-server";
import { closeUpstreamPools } from "@/lib/gateway/upstream";
import { createKey } from "@/lib/keys/service";
import { clearVerifierCache } from "@/lib/keys/verifier";
import { closePolicyRuntime, policyRuntime } from "@/lib/limits/runtime";
import { flushUsage, usageRecorderStats } from "@/lib/usage/recorder";
import { usageRecordCounts } from "@/db/queries/usage-counts";

const { values } = parseArgs({
  options: {
    "cold-keys": { type: "string", default: "20" },
    "many-keys": { type: "string", default: "0" },
    "many-keys-file": { type: "string" },
    "migrate-only": { type: "boolean", default: false },
  },
});

await migrateDatabase();
if (values["migrate-only"]) {
  // What a first start costs: PGlite's initdb grows its WebAssembly memory, which never shrinks.
  console.log(`MIGRATED ${JSON.stringify({ rssMb: Math.round(process.memoryUsage().rss / 1048576) })}`);
  await closeDb();
  process.exit(0);
}
policyRuntime();

const caller: Caller = { ownerId: "bench", actorId: "bench", via: "session", permissions: [...PERMISSIONS], ambient: false };
// The highest limits a key may have: counted on every request, never reached by the bench.
const limits = { requests_per_minute: 1_000_000, tokens_per_minute: 1_000_000_000 };
const hot = await createKey(caller, { name: "bench", environment: "live", limits });
const cold: string[] = [];
for (let i = 0; i < Number(values["cold-keys"]); i++) {
  cold.push((await createKey(caller, { name: `bench cold ${i}`, environment: "live", limits })).key);
}
// The many-keys phase's keys, at bcrypt's lowest cost so that thousands are made and verified in
// seconds: the phase measures what a verified key costs afterwards, not bcrypt. Written to a file.
const many: string[] = [];
if (Number(values["many-keys"]) > 0) {
  const cost = process.env.BCRYPT_COST;
  process.env.BCRYPT_COST = "4";
  resetEnv();
  for (let i = 0; i < Number(values["many-keys"]); i++) {
    many.push((await createKey(caller, { name: `bench many ${i}`, environment: "live", limits })).key);
  }
  process.env.BCRYPT_COST = cost;
  resetEnv();
  writeFileSync(values["many-keys-file"]!, many.join("\n"), { mode: 0o600 });
}
// Creating a key caches it; forget them all, so each cold key costs a database lookup and a
// bcrypt on its first request. (The bench's warm-up verifies the hot key.)
clearVerifierCache();

const env = getEnv();
// Exactly server.ts's server (its bounds, the local-mode Host guard, the gateway core for /v1/*),
// with the bench's own endpoints where Next would be.
const server = createNodeServer(env, (req, res) => {
  if (req.url === "/bench/memory") {
    // For the memory figure: how much of the RSS is the embedded database's WebAssembly heap.
    const m = process.memoryUsage();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ...m, wasm: m.external - m.arrayBuffers }));
    return;
  }
  if (req.url === "/bench/usage") {
    // For the usage figures: what the hot key's requests left in the database, after writing
    // everything buffered, counted in the raw events and in the hourly and daily rollups the
    // dashboard charts, and how long the batch writes took.
    void benchUsage().then(
      (body) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body)),
      (err: Error) => res.writeHead(500).end(err.message),
    );
    return;
  }
  res.writeHead(404).end();
});

async function benchUsage() {
  await flushUsage();
  return { ...(await usageRecordCounts({ ownerId: caller.ownerId, keyId: hot.id })), ...usageRecorderStats() };
}
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(`READY ${JSON.stringify({ origin: `http://127.0.0.1:${port}`, pid: process.pid, key: hot.key, coldKeys: cold })}`);
});

const stop = async () => {
  server.closeAllConnections();
  server.close();
  await Promise.allSettled([flushUsage(), closeUpstreamPools(), closePolicyRuntime()]);
  await closeDb();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
