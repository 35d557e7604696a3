import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { Readable } from "node:stream";
import * as v1Route from "@/app/v1/[provider]/[...path]/route";
import type { Caller } from "@/lib/auth/caller";
import { getEnv, resetEnv } from "@/lib/env";
import { createNodeServer } from "@/lib/gateway/node-server";
import { createKey } from "@/lib/keys/service";
import { routeRequest } from "./api";
import { startMockProvider, type MockProvider } from "./mock-provider";
import { testCaller } from "./db";

// Both doors to the gateway core, each on a real loopback HTTP server, in front of
// the mock provider: "node" is what `npm start` runs (server.ts's own server, with the /api
// route handlers where Next would be), "web" calls the Next route handler the way Next does
// (a web Request in, a Response out, with the x-forwarded-* headers Next adds).

export type Door = "node" | "web";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A web Request for a node request, as Next makes one for its route handlers. */
function webRequest(req: IncomingMessage, signal?: AbortSignal): Request {
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers: req.headers as Record<string, string>,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    signal,
    // @ts-expect-error Node's fetch needs this for streamed request bodies
    duplex: "half",
  });
}

/** What Next does to every request before its handlers see it (next/dist/server/base-server.js). */
function addNextForwardedHeaders(req: IncomingMessage): void {
  const { port } = req.socket.address() as AddressInfo;
  req.headers["x-forwarded-host"] ??= req.headers.host;
  req.headers["x-forwarded-port"] ??= String(port);
  req.headers["x-forwarded-proto"] ??= "http";
  req.headers["x-forwarded-for"] ??= req.socket.remoteAddress;
}

/** Where server.ts hands requests to Next: the /api route handlers. */
async function viaApiRoutes(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    addNextForwardedHeaders(req);
    const response = await routeRequest(webRequest(req));
    const body = Buffer.from(await response.arrayBuffer());
    if (res.headersSent) return; // the server answered first (a body that stopped arriving)
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(body);
  } catch {
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
  }
}

async function viaRouteHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const aborter = new AbortController();
  res.once("close", () => !res.writableFinished && aborter.abort());
  addNextForwardedHeaders(req);
  const request = webRequest(req, aborter.signal);
  const handler = (v1Route as unknown as Record<string, (r: Request) => Promise<Response>>)[req.method ?? "GET"];
  const response = await handler(request);
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    headers[k] = v;
  });
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
    res.end();
  } catch {
    res.destroy();
  }
}

/**
 * Another node door, as `npm start` builds it from the environment as it is now (tests of the
 * server's own bounds set them in process.env first); it serves the gateway's mock provider too.
 */
export async function startNodeDoor(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createNodeServer(getEnv(), (req, res) => void viaApiRoutes(req, res));
  const url = await listen(server);
  return {
    url,
    close() {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
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
  const node = createNodeServer(getEnv(), (req, res) => void viaApiRoutes(req, res));
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

export interface RawResponse {
  status: number;
  /** Lower-case names; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: string;
}

/** One connection over a bare socket, for requests fetch cannot make (Expect, drips, `*`, odd headers). */
export interface RawConnection {
  write(data: string | Buffer): void;
  /** Until `text` has arrived, anywhere in the answer so far. */
  received(text: string): Promise<void>;
  /** The next whole response, 1xx skipped: by Content-Length, chunked, or up to the close. */
  response(): Promise<RawResponse>;
  /** Until the server closes the connection. */
  closed(): Promise<void>;
  /** Everything the server has sent so far. */
  text(): string;
  isClosed(): boolean;
  end(): void;
}

/** Every wait on a raw connection fails after this, with what had arrived. */
const RAW_WAIT_MS = 15_000;

export async function rawConnect(origin: string): Promise<RawConnection> {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  await once(socket, "connect");
  let data = Buffer.alloc(0);
  let read = 0; // bytes of `data` consumed by response()
  let ended = false;
  const wakers = new Set<() => void>();
  const wake = () => {
    for (const w of wakers) w();
  };
  socket.on("data", (chunk: Buffer) => {
    data = Buffer.concat([data, chunk]);
    wake();
  });
  socket.on("error", () => {}); // a reset is one way for the server to close
  socket.on("close", () => {
    ended = true;
    wake();
  });

  /** Until test() gives a value (or the connection ends with none), bounded by RAW_WAIT_MS. */
  const until = <T>(what: string, test: () => T | undefined): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const v = test();
        if (v === undefined && !ended) return;
        clearTimeout(timer);
        wakers.delete(check);
        if (v === undefined) reject(new Error(`connection closed before ${what}; got: ${data.toString("latin1").slice(0, 300)}`));
        else resolve(v);
      };
      const timer = setTimeout(() => {
        wakers.delete(check);
        reject(new Error(`no ${what} within ${RAW_WAIT_MS} ms; got: ${data.toString("latin1").slice(0, 300)}`));
      }, RAW_WAIT_MS);
      wakers.add(check);
      check();
    });

  const parse = (): RawResponse | undefined => {
    for (;;) {
      const head = data.indexOf("\r\n\r\n", read);
      if (head === -1) return undefined;
      const [statusLine, ...lines] = data.toString("latin1", read, head).split("\r\n");
      const status = Number(statusLine.split(" ")[1]);
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const start = head + 4;
      if (status >= 100 && status < 200) {
        read = start;
        continue;
      }
      let end: number;
      let body: Buffer;
      if (headers["content-length"] !== undefined) {
        end = start + Number(headers["content-length"]);
        if (data.length < end) return undefined;
        body = data.subarray(start, end);
      } else if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
        const parts: Buffer[] = [];
        let at = start;
        for (;;) {
          const eol = data.indexOf("\r\n", at);
          if (eol === -1) return undefined;
          const size = parseInt(data.toString("latin1", at, eol), 16);
          if (data.length < eol + 2 + size + 2) return undefined;
          parts.push(data.subarray(eol + 2, eol + 2 + size));
          at = eol + 2 + size + 2;
          if (size === 0) break;
        }
        end = at;
        body = Buffer.concat(parts);
      } else {
        if (!ended) return undefined;
        end = data.length;
        body = data.subarray(start);
      }
      read = end;
      return { status, headers, body: body.toString("utf8") };
    }
  };

  return {
    write: (chunk) => void socket.write(chunk),
    received: (text) => until(`'${text}'`, () => (data.includes(text) ? true : undefined)).then(() => {}),
    response: () => until("a whole response", parse),
    closed: () => until("the close", () => (ended ? true : undefined)).then(() => {}),
    text: () => data.toString("utf8"),
    isClosed: () => ended,
    end: () => void socket.destroy(),
  };
}
