import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { looksLikeGatewayKey } from "@/lib/keys/format";
import { verifyKey, type VerifiedKey } from "@/lib/keys/verifier";
import { providerErrorJson } from "./errors";
import { inspectRequest, readBody } from "./request-info";
import { injectStreamUsage, injectStreamUsageRaw, serializeBody, usageChunkFilter } from "./stream-usage";
import { getProvider, listProviders, providerBaseUrl, type ProviderAdapter } from "./providers";
import { simulate } from "./simulator";
import type { GatewayRequest, GatewayResponse, HeaderSource } from "./types";
import { callUpstream } from "./upstream";
import { upstreamUrl } from "./upstream-url";
import { meterResponse, recordWithoutBody, type CallContext } from "./usage";
import { admit, assertModelAllowed, assertProviderAllowed, assertWithinBudget, estimateTokens } from "@/lib/limits/enforce";
import { policyRuntime } from "@/lib/limits/runtime";

// The gateway core: one function from request to response. It knows nothing of Next
// or node:http; server.ts and app/v1/[provider]/[...path]/route.ts are thin doors to it.

// Never forwarded upstream: our own credentials, hop-by-hop headers, and what undici sets.
const DROP_REQUEST = new Set([
  "authorization",
  "x-api-key",
  "x-goog-api-key",
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

const keyRefusals = {
  malformed: "Invalid NeuronEdge API key. Gateway keys look like ne_live_… or ne_test_….",
  invalid: "Invalid NeuronEdge API key.",
  revoked: "This NeuronEdge API key has been revoked.",
  expired: "This NeuronEdge API key has expired.",
} as const;

/** The gateway key may come as a Bearer token, or in the provider's own key header (SDKs put it there). */
function gatewayKeyFrom(headers: HeaderSource): string | null {
  const auth = headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(\S+)/i.exec(auth);
    if (m && looksLikeGatewayKey(m[1])) return m[1];
  }
  for (const name of ["x-api-key", "x-goog-api-key"]) {
    const v = headers.get(name);
    if (v && looksLikeGatewayKey(v)) return v;
  }
  return null;
}

async function authenticateKey(headers: HeaderSource): Promise<VerifiedKey> {
  const token = gatewayKeyFrom(headers);
  if (!token) {
    throw new AppError("unauthorized", "Missing NeuronEdge API key: send it as 'Authorization: Bearer ne_live_…'.");
  }
  const result = await verifyKey(token);
  if (!result.ok) throw new AppError("unauthorized", keyRefusals[result.reason]);
  if (!result.key.permissions.includes("proxy")) {
    throw new AppError("forbidden", "This NeuronEdge API key lacks the 'proxy' permission.");
  }
  return result.key;
}

function upstreamHeaders(req: GatewayRequest, provider: ProviderAdapter, providerKey: string): Record<string, string> {
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

function clientHeaders(upstream: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
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

/** The endpoint as recorded: the path, with Gemini's model segment generalised. */
function endpointOf(path: string): string {
  return path.replace(/\/models\/[^/:]+/, "/models/{model}");
}

/** Test keys never reach a provider: the built-in simulator answers in its wire format. */
async function simulated(req: GatewayRequest, provider: ProviderAdapter, path: string, json: unknown): Promise<GatewayResponse> {
  const res = await simulate({ format: provider.format, method: req.method, path, search: req.search, body: json, signal: req.cancel.signal });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => (headers[name] = value));
  return { status: res.status, headers: clientHeaders(headers), body: res.body as AsyncIterable<Uint8Array> | null };
}

/** The key's rate-limit headers ride on every response, as OpenAI's do. */
function withHeaders(res: GatewayResponse, headers: Record<string, string>): GatewayResponse {
  for (const [name, value] of Object.entries(headers)) res.headers[name] = value;
  return res;
}

export async function handle(req: GatewayRequest): Promise<GatewayResponse> {
  const startedAt = performance.now();
  policyRuntime(); // started once: it hears other instances' key changes
  const provider = getProvider(req.provider);
  const format = provider?.format ?? "openai";
  let call: CallContext | null = null;
  try {
    if (!provider) {
      const known = listProviders().map((p) => p.id).join(", ");
      throw new AppError("not_found", `Unknown provider '${req.provider}'. Supported providers: ${known}.`);
    }
    if (req.method !== "POST" && !(req.method === "GET" && provider.allowGet)) {
      throw new AppError("method_not_allowed", `Method ${req.method} is not supported by the gateway.`, {
        headers: { allow: provider.allowGet ? "GET, POST" : "POST" },
      });
    }
    const path = provider.mapPath ? provider.mapPath(req.path) : req.path;
    const url = upstreamUrl(providerBaseUrl(provider), path, req.search);
    if (!url) throw new AppError("bad_request", "Invalid request path.");

    const key = await authenticateKey(req.headers);
    call = {
      key,
      provider: provider.id,
      format,
      endpoint: endpointOf(path),
      model: null,
      startedAt,
      ts: new Date(),
      reservation: null,
    };
    assertProviderAllowed(key, provider.id);
    let body = req.method === "GET" ? null : await readBody(req.body, req.headers.get("content-length"));
    const info = inspectRequest(format, path, body);
    call.model = info.model;
    // Listing models (GET) names none; everything else is judged by the model it asks for.
    if (req.method !== "GET") assertModelAllowed(key, info.model);
    await assertWithinBudget(key);
    const admission = await admit(key, estimateTokens(body?.length ?? 0, info.json));
    call.reservation = admission.reservation;

    if (key.environment === "test") {
      return withHeaders(meterResponse(await simulated(req, provider, path, info.json ?? undefined), call), admission.headers);
    }

    const providerKey = req.headers.get("x-provider-api-key");
    if (!providerKey) {
      throw new AppError(
        "unauthorized",
        `Missing provider API key: send your ${provider.name} key in the 'X-Provider-API-Key' header.`,
      );
    }
    // Ask for usage on streams the client did not ask it for; the extra chunk is removed below.
    let injected = false;
    if (provider.streamUsageOption === true && path.endsWith("/chat/completions") && body) {
      if (info.json !== null) {
        injected = injectStreamUsage(info.json);
        if (injected) body = serializeBody(info.json);
      } else if (info.stream) {
        // Too large to parse whole (a long conversation): inject without parsing.
        const withUsage = injectStreamUsageRaw(body);
        if (withUsage) [body, injected] = [withUsage, true];
      }
    }

    const upstream = await callUpstream({
      url,
      method: req.method,
      headers: upstreamHeaders(req, provider, providerKey),
      body,
      cancel: req.cancel,
      timeoutMs: getEnv().UPSTREAM_TIMEOUT_MS,
    });
    const whole = Buffer.isBuffer(upstream.body);
    if (upstream.statusCode >= 300 && upstream.statusCode < 400) {
      // Never follow, never relay: a relayed Location would send the client's keys elsewhere.
      if (!Buffer.isBuffer(upstream.body)) upstream.body.discard();
      throw new AppError("bad_gateway", "The provider answered with a redirect, which the gateway does not follow.");
    }
    // The client gets the stream it asked for: without the usage it did not ask for.
    const filter = injected && !whole ? usageChunkFilter() : null;
    const headers = clientHeaders(upstream.headers);
    // Filtered, the client gets fewer bytes than the provider declared: it would wait for the rest.
    if (filter) delete headers["content-length"];
    const metered = meterResponse({ status: upstream.statusCode, headers, body: upstream.body }, call, filter);
    return withHeaders(metered, admission.headers);
  } catch (err) {
    const res = providerErrorJson(format, err);
    if (call) recordWithoutBody(call, res.status);
    return res;
  }
}
