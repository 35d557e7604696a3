// The floor: the least a Node proxy can do. node:http in, one undici Pool out, bodies piped,
// no auth, no metering, no limits. /v1/openai/<path> goes to <UPSTREAM>/v1/<path>.
//   UPSTREAM=http://127.0.0.1:4010 tsx bench/bare-proxy.ts     prints "READY <origin>"
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline } from "node:stream/promises";
import { Pool, type Dispatcher } from "undici";

const upstream = process.env.UPSTREAM;
if (!upstream) throw new Error("UPSTREAM is required");
const pool = new Pool(upstream, { connections: 256, keepAliveTimeout: 30_000 });
const HOP = new Set(["host", "connection", "keep-alive", "transfer-encoding", "content-length"]);

const server = createServer(async (req, res) => {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP.has(name)) headers[name] = value;
  try {
    const up = await pool.request({
      path: (req.url ?? "/").replace(/^\/v1\/openai\//, "/v1/"),
      method: req.method as Dispatcher.HttpMethod,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? null : req,
    });
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(up.headers)) if (value !== undefined && !HOP.has(name)) out[name] = value;
    res.writeHead(up.statusCode, out);
    await pipeline(up.body, res);
  } catch {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  }
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  console.log(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close();
  void pool.close().then(() => process.exit(0));
});
