import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { authenticateKey } from "./authenticate";
import { readBody } from "./body";
import { providerErrorJson } from "./errors";
import { FORMATS } from "./formats";
import { clientHeaders, upstreamHeaders } from "./headers";
import { inspectRequest } from "./request-info";
import { injectStreamUsageRaw, usageChunkFilter } from "./include-usage";
import { getProvider, listProviders, providerBaseUrl, type ProviderAdapter } from "./providers";
import { simulate } from "./simulator";
import type { GatewayRequest, GatewayResponse } from "./types";
import { callUpstream } from "./upstream";
import { upstreamUrl } from "./upstream-url";
import { meterResponse, recordWithoutBody, type CallContext } from "./call-record";
import { admit, assertModelAllowed, assertProviderAllowed, assertWithinBudget, estimateTokens } from "@/lib/limits/enforce";

// The gateway core: one function from request to response. It knows nothing of Next
// or node:http; server.ts and app/v1/[provider]/[...path]/route.ts are thin doors to it.

/** Test keys never reach a provider: the built-in simulator answers in its wire format. */
async function simulated(req: GatewayRequest, provider: ProviderAdapter, path: string, json: unknown): Promise<GatewayResponse> {
  const res = await simulate({
    format: provider.format,
    method: req.method,
    path,
    search: req.search,
    body: json,
    signal: req.cancel.signal,
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: res.status, headers: clientHeaders(headers), body: res.body as AsyncIterable<Uint8Array> | null };
}

/** The key's rate-limit headers ride on every response, as OpenAI's do. */
function withHeaders(res: GatewayResponse, headers: Record<string, string>): GatewayResponse {
  for (const [name, value] of Object.entries(headers)) res.headers[name] = value;
  return res;
}

export async function handle(req: GatewayRequest): Promise<GatewayResponse> {
  const startedAt = performance.now();
  const provider = getProvider(req.provider);
  const format = provider?.format ?? "openai";
  let call: CallContext | null = null;
  try {
    if (!provider) {
      const known = listProviders()
        .map((p) => p.id)
        .join(", ");
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
      endpoint: FORMATS[format].endpoint(path),
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
    const admission = await admit(key, estimateTokens(format, body?.length ?? 0, info.json));
    call.reservation = admission.reservation;

    if (key.environment === "test") {
      return withHeaders(meterResponse(await simulated(req, provider, path, info.json ?? undefined), call), admission.headers);
    }

    const providerKey = req.headers.get("x-provider-api-key");
    if (!providerKey) {
      throw new AppError("unauthorized", `Missing provider API key: send your ${provider.name} key in the 'X-Provider-API-Key' header.`);
    }
    // Ask for usage on streams the client did not ask it for; the extra chunk is removed below.
    let injected = false;
    if (provider.streamUsageOption === true && path.endsWith("/chat/completions") && body && info.stream) {
      // Into the client's own bytes, parsed or not: serializing the parsed body again showed in
      // the profile of a stream's first chunk.
      const withUsage = injectStreamUsageRaw(body);
      if (withUsage) [body, injected] = [withUsage, true];
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
