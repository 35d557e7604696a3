import { type FormatSpec, num, obj } from "./types";

// Anthropic's Messages API.

const TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  // No type of its own for a body that stopped arriving; the SDK picks its class by status anyway.
  408: "invalid_request_error",
  413: "request_too_large",
  429: "rate_limit_error",
  504: "timeout_error",
  529: "overloaded_error",
};

export const anthropic: FormatSpec = {
  errorBody: (status, message) => ({ type: "error", error: { type: TYPES[status] ?? "api_error", message } }),
  // Input (and cache) tokens come in message_start and the cumulative output count in
  // message_delta; a non-streamed message carries both in `usage`.
  absorb(u, data) {
    const message = obj(data.message);
    const src = message ?? data;
    if (typeof src.model === "string") u.model = src.model;
    const usage = obj(src.usage);
    if (!usage) return;
    // message_delta may repeat the input counters, or send them as null: null keeps what
    // message_start said (as the SDK does). All are cumulative, so they replace, never add.
    const given = (k: string) => typeof usage[k] === "number";
    if (given("input_tokens")) u.anthropicInput = num(usage.input_tokens);
    if (given("cache_creation_input_tokens")) u.anthropicCacheWrite = num(usage.cache_creation_input_tokens);
    if (given("cache_read_input_tokens")) u.cachedInputTokens = num(usage.cache_read_input_tokens);
    u.inputTokens = (u.anthropicInput ?? 0) + (u.anthropicCacheWrite ?? 0) + u.cachedInputTokens;
    if (given("output_tokens")) u.outputTokens = num(usage.output_tokens);
  },
  usageKey: "usage",
  keyHeader: "x-api-key",
  outputCaps: (json) => [json.max_tokens],
  endpoint: (path) => path,
};
