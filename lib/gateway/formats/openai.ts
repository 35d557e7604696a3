import { type FormatSpec, num, obj } from "./types";

// OpenAI and every OpenAI-compatible provider: chat completions, embeddings, the Responses API.

const TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "invalid_request_error",
  403: "invalid_request_error",
  404: "invalid_request_error",
  429: "requests",
};
const CODES: Record<number, string> = { 401: "invalid_api_key", 404: "not_found", 429: "rate_limit_exceeded" };

export const openai: FormatSpec = {
  errorBody(status, message, detail = {}) {
    return {
      error: {
        message,
        type: detail.type ?? TYPES[status] ?? (status >= 500 ? "server_error" : "invalid_request_error"),
        param: detail.param ?? null,
        code: detail.code !== undefined ? detail.code : (CODES[status] ?? null),
      },
    };
  },
  absorb(u, data) {
    const response = obj(data.response); // Responses API stream events wrap the response
    const src = response ?? data;
    if (typeof src.model === "string") u.model = src.model;
    const usage = obj(src.usage);
    if (!usage) return;
    if ("input_tokens" in usage || "output_tokens" in usage) {
      u.inputTokens = num(usage.input_tokens);
      u.outputTokens = num(usage.output_tokens);
      u.cachedInputTokens = num(obj(usage.input_tokens_details)?.cached_tokens);
    } else {
      u.inputTokens = num(usage.prompt_tokens);
      u.outputTokens = num(usage.completion_tokens);
      u.cachedInputTokens = num(obj(usage.prompt_tokens_details)?.cached_tokens);
    }
  },
  usageKey: "usage",
  keyHeader: "authorization",
  outputCaps: (json) => [json.max_completion_tokens, json.max_tokens, json.max_output_tokens],
  endpoint: (path) => path,
};
