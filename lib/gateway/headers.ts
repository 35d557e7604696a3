import { KEY_HEADERS } from "./formats";
import type { ProviderAdapter } from "./providers";
import type { GatewayRequest } from "./types";

// What crosses the gateway in each direction: hop-by-hop headers, our own credentials and claims
// about the client stay behind, so both doors send the provider the same request.

// Never forwarded upstream: our own credentials, hop-by-hop headers, and what undici sets.
const DROP_REQUEST = new Set([
  "authorization",
  ...KEY_HEADERS,
  "x-provider-api-key",
  "host",
  "connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "cookie",
  // node:http answers 100-continue itself; undici refuses to send the header.
  "expect",
  // What proxies on the way (Next's pipeline among them) say about the client: both doors send the same.
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-port",
  "x-forwarded-proto",
  "forwarded",
  "x-real-ip",
  // Our own server's stamp of the client's address (lib/auth/client-ip.ts): for us, not the provider.
  "x-neuronedge-client-ip",
  // Identity bodies: usage is read from them, and loopback/LAN bandwidth is cheap.
  "accept-encoding",
]);

const DROP_RESPONSE = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-authenticate", "set-cookie", "trailer"]);

/** The headers a Connection header names are hop-by-hop too (RFC 9110 §7.6.1); null when it names none. */
function connectionNamed(value: string | string[] | null | undefined): Set<string> | null {
  if (Array.isArray(value)) value = value.join(",");
  if (!value) return null;
  const lower = value.toLowerCase();
  if (lower === "keep-alive" || lower === "close") return null;
  return new Set(lower.split(",").map((name) => name.trim()));
}

export function upstreamHeaders(req: GatewayRequest, provider: ProviderAdapter, providerKey: string): Record<string, string> {
  const out: Record<string, string> = {};
  const named = connectionNamed(req.headers.get("connection"));
  req.headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (!DROP_REQUEST.has(lower) && !named?.has(lower)) out[lower] = value;
  });
  const defaults = provider.defaultHeaders;
  if (defaults) for (const name in defaults) out[name] ??= defaults[name];
  provider.authorize(out, providerKey);
  return out;
}

export function clientHeaders(upstream: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const named = connectionNamed(upstream.connection);
  for (const [name, value] of Object.entries(upstream)) {
    if (value !== undefined && !DROP_RESPONSE.has(name) && !named?.has(name)) out[name] = value;
  }
  const type = out["content-type"];
  if (typeof type === "string" && type.startsWith("text/event-stream")) {
    // Streams must reach the client chunk by chunk: no proxy or CDN may buffer or rewrite them.
    out["cache-control"] = "no-cache, no-transform";
    out["x-accel-buffering"] = "no";
  }
  return out;
}
