import type { IncomingMessage, ServerResponse } from "node:http";
import { assertLocalHost } from "@/lib/auth/local-guard";
import type { Env } from "@/lib/env";
import { trackCall } from "@/lib/lifecycle";
import { Cancellation } from "./cancel";
import { providerErrorJson } from "./errors";
import { readNodeBody } from "./body-node";
import { handle } from "./handle";
import type { HeaderSource } from "./types";
import { splitGatewayUrl } from "./url";

// The Node door (server.ts): node:http in, node:http out, no web Request/Response
// objects on the hot path.

function nodeHeaders(h: IncomingMessage["headers"]): HeaderSource {
  return {
    get: (name) => {
      const v = h[name];
      return Array.isArray(v) ? v.join(", ") : v;
    },
    forEach(fn) {
      for (const name in h) {
        const v = h[name];
        if (v !== undefined) fn(Array.isArray(v) ? v.join(", ") : v, name);
      }
    },
  };
}

/**
 * Until the client can take more, or is gone. Both listeners leave together: racing two
 * events.once() left the loser (and its error listener) behind at every wait of a long stream.
 */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

export async function handleNodeRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const cancel = new Cancellation();
  // The client going away (before we finished) cancels the upstream call.
  res.once("close", () => {
    if (!res.writableFinished) cancel.abort();
  });
  const { provider, path, search } = splitGatewayUrl(req.url ?? "/");
  const result = await handle({
    method: req.method ?? "GET",
    provider,
    path,
    search,
    headers: nodeHeaders(req.headers),
    body: req.method === "GET" || req.method === "HEAD" ? null : (bounds) => readNodeBody(req, bounds),
    cancel,
  });
  // Answered before the request body was all read (a 413, a refused key during an upload): the
  // connection closes after the answer instead of reading the rest of the upload to reuse it.
  if (!req.complete) result.headers.connection = "close";
  res.writeHead(result.status, result.headers);
  const { body } = result;
  if (body === null || typeof body === "string" || body instanceof Uint8Array) {
    res.end(body ?? undefined);
    return;
  }
  try {
    for await (const chunk of body) {
      // Each chunk goes out as it arrives; wait only when the client reads slower than we write.
      if (!res.write(chunk)) await writable(res);
      if (res.destroyed) break;
    }
    res.end();
  } catch {
    // Upstream failed mid-stream (or the client left): the status is sent, so cut the connection.
    cancel.abort();
    res.destroy();
  }
}

/**
 * The /v1 front door of the `npm start` server (node-server.ts, which the benchmark runs too): the
 * local-mode Host guard, then the gateway core for /v1/*. False when the request is someone else's (Next's).
 */
export function serveGateway(env: Env, req: IncomingMessage, res: ServerResponse): boolean {
  if (!req.url?.startsWith("/v1/")) return false;
  // Each door checks the Host once, where it starts: here for /v1 (web.ts in the route handler),
  // apiRoute for /api, proxy.ts for pages.
  try {
    assertLocalHost(env, req.headers.host);
  } catch (err) {
    const { status, headers, body } = providerErrorJson("openai", err);
    res.writeHead(status, headers).end(body);
    return true;
  }
  // Ends once the call's usage event is recorded (a cut stream records what it saw as it unwinds).
  const end = trackCall();
  handleNodeRequest(req, res)
    .catch((err) => {
      console.error("[neuronedge] proxy failure:", (err as Error).message);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    })
    .finally(end);
  return true;
}
