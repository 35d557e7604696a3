import { describe, expect, it } from "vitest";
import { listProviders } from "@/lib/gateway/providers";
import defaults from "./pricing.json";
import { costUsd, priceFor } from "./pricing";

describe("pricing", () => {
  it("prices every provider in the registry", () => {
    const providers = new Set(
      Object.keys(defaults)
        .filter((k) => !k.startsWith("_"))
        .map((k) => k.split("/")[0]),
    );
    for (const p of listProviders()) expect(providers.has(p.id), p.id).toBe(true);
  });

  it("finds exact names and dated or -latest variants, never a different model", () => {
    expect(priceFor("openai", "gpt-4o")).toMatchObject({ input: 2.5, output: 10 });
    expect(priceFor("openai", "gpt-4o-2024-08-06")).toMatchObject({ input: 2.5 });
    expect(priceFor("openai", "gpt-4o-mini")).toMatchObject({ input: 0.15 });
    expect(priceFor("anthropic", "claude-sonnet-4-5-20250929")).toMatchObject({ input: 3 });
    expect(priceFor("mistral", "mistral-large-latest")).toMatchObject({ input: 0.5 });
    expect(priceFor("google", "models/gemini-2.5-flash")).toMatchObject({ output: 2.5 });
    expect(priceFor("openai", "gpt-5.2-pro")).toBeNull();
    expect(priceFor("openai", "my-finetune")).toBeNull();
    expect(priceFor("anthropic", "gpt-4o")).toBeNull(); // prices are per provider
  });

  it("charges cached input at the cached rate", () => {
    const price = { input: 2, cached_input: 0.5, output: 8 };
    expect(costUsd(price, { inputTokens: 1_000_000, cachedInputTokens: 0, outputTokens: 0 })).toBeCloseTo(2);
    expect(costUsd(price, { inputTokens: 1_000_000, cachedInputTokens: 500_000, outputTokens: 0 })).toBeCloseTo(1.25);
    expect(costUsd(price, { inputTokens: 100, cachedInputTokens: 0, outputTokens: 50 })).toBeCloseTo(0.0006);
    expect(costUsd({ input: 1, output: 1 }, { inputTokens: 10, cachedInputTokens: 10, outputTokens: 0 })).toBeCloseTo(0.00001);
  });
});
