import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import * as v1Route from "@/app/v1/[provider]/[...path]/route";
import type { Caller } from "@/lib/auth/caller";
import { resetEnv } from "@/lib/env";
import { handleNodeRequest } from "@/lib/gateway/node";
import { createKey } from "@/lib/keys/service";
import { startMockProvider, type MockProvider } from "./mock-provider";
import { testCaller } from "./db";

// Both doors to the gateway core, each on a real loopback HTTP server, in front of
// the mock provider: "node" is what `npm start` runs (server.ts), "web" calls the Next
// route handler the way Next does (a web Request in, a Response out).

export type Door = "node" | "web";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function viaRouteHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const aborter = new AbortController();
  res.once("close", () => !res.writableFinished && aborter.abort());
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers: req.headers as Record<string, string>,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    signal: aborter.signal,
    // @ts-expect-error Node's fetch needs this for streamed request bodies
    duplex: "half",
  });
  const handler = (v1Route as unknown as Record<string, (r: Request) => Promise<Response>>)[req.method ?? "GET"];
  const response = await handler(request);
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => (headers[k] = v));
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
    res.end();
  } catch {
    res.destroy();
  }
}

export interface Gateway {
  mock: MockProvider;
  urls: Record<Door, string>;
  liveKey(permissions?: Caller["permissions"]): Promise<{ id: string; key: string; caller: Caller }>;
  testKey(): Promise<{ id: string; key: string }>;
  close(): Promise<void>;
}

export async function startGateway(): Promise<Gateway> {
  const mock = await startMockProvider();
  process.env.PROVIDER_OPENAI_BASE_URL = mock.baseUrls.openai;
  process.env.PROVIDER_ANTHROPIC_BASE_URL = mock.baseUrls.anthropic;
  process.env.PROVIDER_GOOGLE_BASE_URL = mock.baseUrls.gemini;
  resetEnv(); // the gateway reads these once
  const node = createServer((req, res) => void handleNodeRequest(req, res));
  const web = createServer((req, res) => void viaRouteHandler(req, res));
  const urls = { node: await listen(node), web: await listen(web) };
  const caller = () => testCaller();
  return {
    mock,
    urls,
    async liveKey(permissions) {
      const c = caller();
      const k = await createKey(c, { name: "live", environment: "live", permissions: permissions as never });
      return { id: k.id, key: k.key, caller: c };
    },
    async testKey() {
      const k = await createKey(caller(), { name: "test", environment: "test" });
      return { id: k.id, key: k.key };
    },
    async close() {
      node.closeAllConnections();
      web.closeAllConnections();
      await Promise.all([new Promise((r) => node.close(r)), new Promise((r) => web.close(r)), mock.close()]);
      delete process.env.PROVIDER_OPENAI_BASE_URL;
      delete process.env.PROVIDER_ANTHROPIC_BASE_URL;
      delete process.env.PROVIDER_GOOGLE_BASE_URL;
      resetEnv();
    },
  };
}
