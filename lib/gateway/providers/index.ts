import { providerBaseUrlOverride } from "@/lib/env";
import { anthropic } from "./anthropic";
import { google } from "./google";
import { openAICompatible } from "./openai-compatible";
import type { ProviderAdapter } from "./types";

export type { ProviderAdapter, WireFormat } from "./types";

const adapters: ProviderAdapter[] = [
  openAICompatible("openai", "OpenAI", "https://api.openai.com/v1"),
  anthropic,
  google,
  // Mistral and Perplexity always send usage on the last chunk, and reject unknown options.
  openAICompatible("mistral", "Mistral", "https://api.mistral.ai/v1", { streamUsageOption: false }),
  openAICompatible("groq", "Groq", "https://api.groq.com/openai/v1"),
  openAICompatible("deepseek", "DeepSeek", "https://api.deepseek.com"),
  openAICompatible("xai", "xAI", "https://api.x.ai/v1"),
  openAICompatible("together", "Together AI", "https://api.together.xyz/v1"),
  openAICompatible("fireworks", "Fireworks AI", "https://api.fireworks.ai/inference/v1"),
  openAICompatible("openrouter", "OpenRouter", "https://openrouter.ai/api/v1"),
  openAICompatible("perplexity", "Perplexity", "https://api.perplexity.ai", { streamUsageOption: false }),
  openAICompatible("cerebras", "Cerebras", "https://api.cerebras.ai/v1"),
];

const byId = new Map(adapters.map((a) => [a.id, a]));

export function getProvider(id: string): ProviderAdapter | undefined {
  return byId.get(id);
}

export function listProviders(): readonly ProviderAdapter[] {
  return adapters;
}

// Parsed once per distinct value (a URL parse on every request showed in the profile).
const parsed = new Map<string, URL>();

/** The base URL in force: the operator's PROVIDER_<ID>_BASE_URL, else the provider's own. Do not mutate it. */
export function providerBaseUrl(p: ProviderAdapter): URL {
  const href = providerBaseUrlOverride(p.id) ?? p.baseUrl;
  let url = parsed.get(href);
  if (!url) {
    if (parsed.size >= 64) parsed.clear(); // only tests change the variables, but stay bounded
    parsed.set(href, (url = new URL(href)));
  }
  return url;
}
