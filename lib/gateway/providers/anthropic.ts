import type { ProviderAdapter } from "./types";

export const anthropic: ProviderAdapter = {
  id: "anthropic",
  name: "Anthropic",
  // The SDK appends /v1/messages itself, so the base is the bare origin.
  baseUrl: "https://api.anthropic.com",
  format: "anthropic",
  allowGet: true,
  defaultHeaders: { "anthropic-version": "2023-06-01" },
  authorize(headers, providerKey) {
    headers["x-api-key"] = providerKey;
  },
  // curl users write /v1/anthropic/messages; the SDK sends /v1/anthropic/v1/messages.
  mapPath: (path) => (path.startsWith("/v1/") ? path : `/v1${path}`),
};
