import type { ProviderAdapter } from "./types";

// Most providers speak OpenAI's API: same paths, `Authorization: Bearer`, same error shape.
// Adding one is a line in the registry.
export function openAICompatible(
  id: string,
  name: string,
  baseUrl: string,
  options: { streamUsageOption?: boolean } = {},
): ProviderAdapter {
  return {
    id,
    name,
    baseUrl,
    format: "openai",
    allowGet: true,
    streamUsageOption: options.streamUsageOption ?? true,
    authorize(headers, providerKey) {
      headers.authorization = `Bearer ${providerKey}`;
    },
  };
}
