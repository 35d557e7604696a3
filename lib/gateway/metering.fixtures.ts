import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { getDb } from "@/db/client";
import { usageEvents } from "@/db/schema";
import { simulateResult } from "@/lib/gateway/simulator";
import { costUsd, priceFor } from "@/lib/usage/pricing";
import { flushUsage } from "@/lib/usage/recorder";
import { startGateway, type Door, type Gateway } from "@/testing/gateway-harness";
import { anthropicClient, geminiClient, openaiClient } from "@/testing/sdk-clients";

// What the metering tests (lib/gateway/metering-*.db.test.ts) share: a gateway per file, the SDK
// clients through either door, a key's usage events as written, and the usage a call should cost.
// Metering must be exact: every proxied call becomes one usage event whose token counts are the
// ones the provider reported to the client, and the rollups and last_used_at agree with the events.

export type UsageEvent = typeof usageEvents.$inferSelect;

export const question = "How many tokens did this call really use?";

/**
 * Both doors in front of a fresh mock provider for this test file, its recorded requests cleared
 * before each test. The handle is taken at load time and the gateway starts in beforeAll, so it
 * forwards to the started gateway.
 */
export function useMeteringGateway(): Gateway {
  let started: Gateway | undefined;
  beforeAll(async () => {
    started = await startGateway();
  });
  afterAll(() => started?.close());
  beforeEach(() => current().mock.reset());
  const current = () => {
    if (!started) throw new Error("The metering gateway starts in beforeAll: use it inside a test.");
    return started;
  };
  return new Proxy({} as Gateway, {
    get(_, name) {
      const value: unknown = Reflect.get(current(), name);
      return typeof value === "function" ? value.bind(current()) : value;
    },
  });
}

/** The SDK clients through one of the gateway's doors. */
export function sdkClients(gw: Gateway) {
  return {
    openai: (door: Door, gatewayKey: string, providerKey?: string | null) => openaiClient(gw.urls[door], gatewayKey, providerKey),
    anthropic: (door: Door, gatewayKey: string) => anthropicClient(gw.urls[door], gatewayKey),
    gemini: (door: Door, gatewayKey: string) => geminiClient(gw.urls[door], gatewayKey),
  };
}

export async function readEvents(keyId: string): Promise<UsageEvent[]> {
  const db = await getDb();
  return db.select().from(usageEvents).where(eq(usageEvents.keyId, keyId)).orderBy(asc(usageEvents.id));
}

/**
 * The key's usage events once `count` have been written. An event is recorded when the
 * response body finishes, which may be a tick after the SDK call returns: flush and
 * re-read until they are there (or the wait runs out, and the caller's assertion says so).
 */
export async function eventsOf(keyId: string, count = 1, timeoutMs = 10_000): Promise<UsageEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await flushUsage();
    const rows = await readEvents(keyId);
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The single event of a call, checked to be the only one. */
export async function onlyEvent(keyId: string): Promise<UsageEvent> {
  const rows = await eventsOf(keyId, 1);
  expect(rows).toHaveLength(1);
  return rows[0];
}

export function expectedCost(provider: string, model: string, t: { input: number; cached?: number; output: number }): number {
  const price = priceFor(provider, model);
  if (!price) throw new Error(`no price for ${provider}/${model}: pick a priced model`);
  return costUsd(price, { inputTokens: t.input, cachedInputTokens: t.cached ?? 0, outputTokens: t.output });
}

/** What the mock (the simulator) reports as usage for an OpenAI chat body: the non-streamed answer's usage. */
export function simulatedChatUsage(body: Record<string, unknown>): { prompt_tokens: number; completion_tokens: number } {
  const result = simulateResult({
    format: "openai",
    method: "POST",
    path: "/chat/completions",
    search: "",
    body: { ...body, stream: false, stream_options: undefined },
  });
  return JSON.parse(result.body!).usage;
}
