import type { ProviderAdapter } from "./types";

export const google: ProviderAdapter = {
  id: "google",
  name: "Google Gemini",
  // The SDK adds /v1beta/models/… itself.
  baseUrl: "https://generativelanguage.googleapis.com",
  format: "gemini",
  allowGet: true,
  authorize(headers, providerKey) {
    headers["x-goog-api-key"] = providerKey;
  },
};
