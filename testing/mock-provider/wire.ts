// Which provider's wire format a request to the mock speaks, and the rate-limit headers each
// provider sends with every answer.
import type { IncomingMessage } from "node:http";
import type { SimulatorFormat } from "../../lib/gateway/simulator/index";

// The first path segment picks the provider; the rest is the path after that provider's base URL.
const PREFIXES: Record<string, { format: SimulatorFormat; strip: string }> = {
  openai: { format: "openai", strip: "/openai/v1" },
  anthropic: { format: "anthropic", strip: "/anthropic" },
  gemini: { format: "gemini", strip: "/gemini" },
};

export function route(path: string, headers: IncomingMessage["headers"]): { format: SimulatorFormat; path: string } {
  const first = path.split("/")[1] ?? "";
  const prefix = Object.hasOwn(PREFIXES, first) ? PREFIXES[first] : undefined;
  if (prefix) {
    const rest = path.startsWith(prefix.strip) ? path.slice(prefix.strip.length) : path.slice(first.length + 1);
    return { format: prefix.format, path: rest || "/" };
  }
  // Unprefixed paths, for base URLs like http://127.0.0.1:4010/v1 (OpenAI) or http://127.0.0.1:4010 (Anthropic).
  if (/^\/v1(beta|alpha)?\/models\/[^/]+:/.test(path) || path.startsWith("/v1beta/")) return { format: "gemini", path };
  if (path.startsWith("/v1/messages") || headers["anthropic-version"] !== undefined) return { format: "anthropic", path };
  return { format: "openai", path: path.replace(/^\/v1(?=\/)/, "") };
}

/** The headers a provider sends after `served` earlier requests in its format (Gemini sends none). */
export function rateLimitHeaders(format: SimulatorFormat, served: number): Record<string, string> {
  const limit = 10_000;
  const remaining = String(limit - (served % limit) - 1);
  if (format === "openai") {
    return {
      "x-ratelimit-limit-requests": String(limit),
      "x-ratelimit-remaining-requests": remaining,
      "x-ratelimit-reset-requests": "6ms",
      "x-ratelimit-limit-tokens": "2000000",
      "x-ratelimit-remaining-tokens": "1999000",
      "x-ratelimit-reset-tokens": "30ms",
    };
  }
  if (format === "anthropic") {
    const reset = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, "Z");
    return {
      "anthropic-ratelimit-requests-limit": String(limit),
      "anthropic-ratelimit-requests-remaining": remaining,
      "anthropic-ratelimit-requests-reset": reset,
      "anthropic-ratelimit-tokens-limit": "2000000",
      "anthropic-ratelimit-tokens-remaining": "1999000",
      "anthropic-ratelimit-tokens-reset": reset,
    };
  }
  return {};
}
