import type { UsageEvent } from "@/lib/usage/recorder";

/** A plausible usage event of the key (a priced, non-streamed chat completion); tests override what they check. */
export function usageEvent(ownerId: string, keyId: string, over: Partial<UsageEvent> = {}): UsageEvent {
  return {
    ts: new Date("2026-03-10T12:00:00Z"),
    ownerId,
    keyId,
    environment: "live",
    provider: "openai",
    model: "gpt-5.2",
    endpoint: "/chat/completions",
    status: 200,
    inputTokens: 100,
    outputTokens: 20,
    cachedInputTokens: 0,
    costUsd: 0.0005,
    latencyMs: 120,
    ttfbMs: 80,
    streamed: false,
    aborted: false,
    ...over,
  };
}
