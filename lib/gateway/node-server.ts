import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import { stampClientAddress, trustedProxies } from "@/lib/auth/client-ip";
import type { Env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { isDraining } from "@/lib/lifecycle";
import { decodeComponent } from "@/lib/uri";
import { serveGateway } from "./node";
import { BODY_PROGRESS_BYTES, bodyIdleError } from "./body";

// The `npm start` HTTP server, built here so that server.ts, the bench and the tests run the same
// one: bounds on slow and idle clients, the request-target checks, /v1/* to the gateway core, and
// everything else, with the client's address stamped on it, to `next` (Next's handler).

/** The whole request, headers and body: Node's own default, kept as the outer bound. */
const REQUEST_TIMEOUT_MS = 300_000;

export function createNodeServer(env: Env, next: RequestListener): Server {
  trustedProxies(env.trustedProxies); // a bad TRUSTED_PROXIES entry stops the start, not each request
  const server = createServer(
    {
      headersTimeout: env.SERVER_HEADERS_TIMEOUT_MS,
      requestTimeout: Math.max(REQUEST_TIMEOUT_MS, env.SERVER_HEADERS_TIMEOUT_MS),
      // Both are enforced on this tick; Node's default tick would let a client overstay by tens of seconds.
      connectionsCheckingInterval: Math.min(5_000, Math.max(250, Math.floor(env.SERVER_HEADERS_TIMEOUT_MS / 4))),
    },
    (req, res) => route(env, req, res, next),
  );
  server.keepAliveTimeout = env.SERVER_KEEP_ALIVE_TIMEOUT_MS; // longer than common load balancers' idle timeout
  server.maxConnections = env.SERVER_MAX_CONNECTIONS;
  // No socket inactivity timeout: a streamed answer may pause for minutes between chunks.
  server.timeout = 0;
  return server;
}

function route(env: Env, req: IncomingMessage, res: ServerResponse, next: RequestListener): void {
  // Draining for a stop: every answer asks its client to reconnect, which reaches another instance.
  if (isDraining()) res.setHeader("connection", "close");
  if (!toOriginForm(req)) {
    refuse(res, new AppError("bad_request", "The request target must be a path such as /v1/… or /api/…."));
    return;
  }
  if (serveGateway(env, req, res)) return;
  const url = req.url!;
  const q = url.indexOf("?");
  if (url.startsWith("/api/") && decodeComponent(q === -1 ? url : url.slice(0, q)) === null) {
    // Next would answer this in plain text; the API always answers in its JSON shape.
    refuse(res, new AppError("bad_request", "The request path is not valid percent-encoding."));
    return;
  }
  stampClientAddress(req);
  watchBody(env.SERVER_BODY_IDLE_TIMEOUT_MS, req, res);
  next(req, res);
}

/**
 * True for a path target. The absolute form (`GET http://host/path`), which servers must accept,
 * becomes a path, its authority the Host (RFC 9112 §3.2.2); `*` and anything else are refused.
 */
function toOriginForm(req: IncomingMessage): boolean {
  const url = req.url ?? "";
  if (url.startsWith("/")) return true;
  const m = /^https?:\/\/([^/?#@\s]+)([/?][^#]*)?$/i.exec(url);
  if (!m) return false;
  req.headers.host = m[1];
  req.url = m[2] === undefined ? "/" : m[2].startsWith("?") ? `/${m[2]}` : m[2];
  return true;
}

/** An answer in the API's JSON shape, before anything read the request: the connection closes after it. */
function refuse(res: ServerResponse, e: AppError): void {
  res.writeHead(e.status, { ...e.headers, "content-type": "application/json", connection: "close" });
  res.end(JSON.stringify(e.toJSON()));
}

/**
 * Next reads request bodies itself, so the body's idle bound is kept from outside: the socket's
 * byte count must grow by BODY_PROGRESS_BYTES (or the body end) within every idle period, else
 * 408. A stream left unread or paused is the reader's pause, not the client's. (The gateway core
 * reads /v1 bodies itself and keeps the same bound exactly, in readBody.)
 */
function watchBody(idleMs: number, req: IncomingMessage, res: ServerResponse): void {
  const length = req.headers["content-length"];
  if (req.headers["transfer-encoding"] === undefined && (length === undefined || length === "0")) return;
  const socket = req.socket;
  let mark = socket.bytesRead;
  let quietSince = performance.now();
  const check = () => {
    if (req.complete || res.headersSent || req.destroyed) return;
    const read = socket.bytesRead;
    const unread = req.readableFlowing === false || req.readableLength >= req.readableHighWaterMark;
    if (unread || read - mark >= BODY_PROGRESS_BYTES) {
      mark = read;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= idleMs) {
      return refuse(res, bodyIdleError());
    }
    timer.refresh();
  };
  const timer = setTimeout(check, Math.max(100, Math.floor(idleMs / 4)));
  res.once("close", () => clearTimeout(timer));
}
