// One gateway instance in its own process, for tests of what holds across instances:
// /v1/* through the gateway core (as server.ts serves it), /api/* through the route handlers.
// Configured by environment (DATABASE_URL, REDIS_URL, PROVIDER_*_BASE_URL, KEY_CACHE_TTL_MS);
// prints "READY <origin>" once listening on a free loopback port.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import * as disableRoute from "@/app/api/keys/[id]/disable/route";
import * as enableRoute from "@/app/api/keys/[id]/enable/route";
import { migrateDatabase } from "@/db/migrate";
import { handleNodeRequest } from "@/lib/gateway/node";
import { closePolicyRuntime, policyRuntime } from "@/lib/limits/runtime";
import { flushUsage } from "@/lib/usage/recorder";
import { routeRequest } from "./api";

await migrateDatabase();
policyRuntime();

// Not in testing/api.ts's table (yet): POST /api/keys/{id}/disable and /enable.
const toggles = { disable: disableRoute.POST, enable: enableRoute.POST };
const toggleRoute = /^\/api\/keys\/([^/]+)\/(disable|enable)$/;

const server = createServer(async (req, res) => {
  if (req.url?.startsWith("/v1/")) return void handleNodeRequest(req, res);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers: req.headers as Record<string, string>,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    // @ts-expect-error Node's fetch needs this for streamed request bodies
    duplex: "half",
  });
  const toggle = req.method === "POST" ? toggleRoute.exec(req.url?.split("?")[0] ?? "") : null;
  const response = toggle
    ? await toggles[toggle[2] as keyof typeof toggles](request, { params: Promise.resolve({ id: decodeURIComponent(toggle[1]) }) })
    : await routeRequest(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(0, "127.0.0.1", () => {
  console.log(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", async () => {
  server.closeAllConnections();
  server.close();
  await flushUsage();
  await closePolicyRuntime();
  process.exit(0);
});
