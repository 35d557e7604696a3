import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { apiKeys, usageDaily, usageEvents } from "@/db/schema";
import { flushUsage } from "@/lib/usage/recorder";
import { useDatabase } from "@/testing/db";
import { PROVIDER_KEYS } from "@/testing/sdk-clients";
import { eventsOf, question, readEvents, simulatedChatUsage, useMeteringGateway } from "./metering.fixtures";

// Metering at volume: thousands of mixed calls leave one event each and rollups equal to the
// events, digit for digit; and the serverless door's single flush already holds a call's event.

useDatabase();

const gw = useMeteringGateway();
const { openai: PROVIDER_KEY, anthropic: ANTHROPIC_KEY, google: GOOGLE_KEY } = PROVIDER_KEYS;

describe("metering under load", () => {
  const TOTAL = 2_000;
  const CONCURRENCY = 50;

  type Kind = "chat" | "chat-stream" | "chat-stream-usage" | "anthropic-stream" | "gemini";
  const kinds: Kind[] = ["chat", "chat-stream", "chat-stream-usage", "anthropic-stream", "gemini"];

  /** One call over plain fetch; returns the usage the client saw (or, for the hidden-usage stream, the simulator's). */
  async function call(key: string, kind: Kind, i: number): Promise<{ input: number; output: number }> {
    const base = gw.urls.node;
    const content = `load request number ${i}: ${"word ".repeat(i % 13)}`;
    const json = { "content-type": "application/json" };
    if (kind === "gemini") {
      const res = await fetch(`${base}/v1/google/v1beta/models/gemini-2.5-flash:generateContent`, {
        method: "POST",
        headers: { ...json, "x-goog-api-key": key, "x-provider-api-key": GOOGLE_KEY },
        body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: content }] }] }),
      });
      expect(res.status).toBe(200);
      const { usageMetadata: u } = await res.json();
      return { input: u.promptTokenCount, output: u.candidatesTokenCount };
    }
    if (kind === "anthropic-stream") {
      const res = await fetch(`${base}/v1/anthropic/v1/messages`, {
        method: "POST",
        headers: { ...json, authorization: `Bearer ${key}`, "x-provider-api-key": ANTHROPIC_KEY },
        body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 64, stream: true, messages: [{ role: "user", content }] }),
      });
      expect(res.status).toBe(200);
      const events = sseData(await res.text());
      const start = events.find((d) => d.type === "message_start") as { message: { usage: { input_tokens: number } } };
      const delta = events.find((d) => d.type === "message_delta") as { usage: { output_tokens: number } };
      return { input: start.message.usage.input_tokens, output: delta.usage.output_tokens };
    }
    const body: Record<string, unknown> = { model: "gpt-5-mini", messages: [{ role: "user", content }] };
    if (kind !== "chat") body.stream = true;
    if (kind === "chat-stream-usage") body.stream_options = { include_usage: true };
    const res = await fetch(`${base}/v1/openai/chat/completions`, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${key}`, "x-provider-api-key": PROVIDER_KEY },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    if (kind === "chat") {
      const { usage } = await res.json();
      return { input: usage.prompt_tokens, output: usage.completion_tokens };
    }
    const events = sseData(await res.text());
    const withUsage = events.filter((d) => d.usage);
    if (kind === "chat-stream") {
      expect(withUsage).toEqual([]); // the injected usage chunk never reaches the client
      const u = simulatedChatUsage(body);
      return { input: u.prompt_tokens, output: u.completion_tokens };
    }
    expect(withUsage).toHaveLength(1);
    const { usage } = withUsage[0] as { usage: { prompt_tokens: number; completion_tokens: number } };
    return { input: usage.prompt_tokens, output: usage.completion_tokens };
  }

  function sseData(text: string): Array<Record<string, unknown>> {
    return text
      .split("\n")
      .filter((l) => l.startsWith("data: {"))
      .map((l) => JSON.parse(l.slice("data: ".length)));
  }

  it(`${TOTAL} mixed calls, ${CONCURRENCY} at a time: one event each, rollups and last_used_at agree with the events`, async () => {
    const { id, key } = await gw.liveKey();
    gw.mock.setStreaming({ chunks: 3, chunkDelayMs: 0 });
    const seen = { input: 0, output: 0 };
    const perKind = new Map<Kind, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TOTAL) {
          const i = next++;
          const kind = kinds[i % kinds.length];
          const u = await call(key, kind, i);
          seen.input += u.input;
          seen.output += u.output;
          perKind.set(kind, (perKind.get(kind) ?? 0) + 1);
        }
      }),
    );
    expect(gw.mock.requests).toHaveLength(TOTAL);

    const rows = await eventsOf(id, TOTAL, 20_000);
    expect(rows).toHaveLength(TOTAL);
    expect(rows.filter((r) => r.status !== 200 || r.aborted)).toEqual([]);
    expect(rows.filter((r) => r.streamed)).toHaveLength(TOTAL - perKind.get("chat")! - perKind.get("gemini")!);
    // Every token the clients were told about is billed, once.
    expect(rows.reduce((s, r) => s + r.inputTokens, 0)).toBe(seen.input);
    expect(rows.reduce((s, r) => s + r.outputTokens, 0)).toBe(seen.output);

    // The daily rollups, per provider and model, are exactly the sums over the raw events
    // (compared as text, so numeric cost sums are compared digit for digit).
    const db = await getDb();
    const fromEvents = await db
      .select({
        provider: usageEvents.provider,
        model: usageEvents.model,
        requests: sql<string>`count(*)::text`,
        errors: sql<string>`(count(*) filter (where ${usageEvents.status} >= 400))::text`,
        input: sql<string>`sum(${usageEvents.inputTokens})::text`,
        output: sql<string>`sum(${usageEvents.outputTokens})::text`,
        cached: sql<string>`sum(${usageEvents.cachedInputTokens})::text`,
        cost: sql<string>`coalesce(sum(${usageEvents.costUsd}), 0)::text`,
      })
      .from(usageEvents)
      .where(eq(usageEvents.keyId, id))
      .groupBy(usageEvents.provider, usageEvents.model)
      .orderBy(usageEvents.provider, usageEvents.model);
    const fromDaily = await db
      .select({
        provider: usageDaily.provider,
        model: usageDaily.model,
        requests: sql<string>`sum(${usageDaily.requests})::text`,
        errors: sql<string>`sum(${usageDaily.errors})::text`,
        input: sql<string>`sum(${usageDaily.inputTokens})::text`,
        output: sql<string>`sum(${usageDaily.outputTokens})::text`,
        cached: sql<string>`sum(${usageDaily.cachedInputTokens})::text`,
        cost: sql<string>`sum(${usageDaily.costUsd})::text`,
      })
      .from(usageDaily)
      .where(eq(usageDaily.keyId, id))
      .groupBy(usageDaily.provider, usageDaily.model)
      .orderBy(usageDaily.provider, usageDaily.model);
    expect(fromEvents.map((r) => r.model)).toEqual(["claude-haiku-4-5", "gemini-2.5-flash", "gpt-5-mini"]);
    expect(fromDaily).toEqual(fromEvents);
    expect(fromDaily.reduce((s, r) => s + Number(r.requests), 0)).toBe(TOTAL);
    expect(fromDaily.reduce((s, r) => s + Number(r.input), 0)).toBe(seen.input);
    expect(fromDaily.reduce((s, r) => s + Number(r.output), 0)).toBe(seen.output);

    const [k] = await db.select({ lastUsedAt: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, id));
    const [{ same }] = await db
      .select({ same: sql<boolean>`${apiKeys.lastUsedAt} = (select max(ts) from usage_events where key_id = ${id})` })
      .from(apiKeys)
      .where(eq(apiKeys.id, id));
    expect(same).toBe(true);
    expect(k.lastUsedAt!.getTime()).toBe(Math.max(...rows.map((r) => r.ts.getTime())));
  }, 60_000);
});

describe("the serverless door's single flush", () => {
  it("one flush right after the route handler answers already holds the call's event", async () => {
    // What Next's after(flushUsage) does on Vercel: one flush once the response is out, no timer.
    const route = (await import("@/app/v1/[provider]/[...path]/route")) as unknown as Record<string, (r: Request) => Promise<Response>>;
    const { id, key } = await gw.liveKey();
    const res = await route.POST(
      new Request("http://127.0.0.1/v1/openai/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}`, "x-provider-api-key": PROVIDER_KEY },
        body: JSON.stringify({ model: "gpt-5.2", messages: [{ role: "user", content: question }] }),
      }),
    );
    const body = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    await flushUsage();
    const rows = await readEvents(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ inputTokens: body.usage.prompt_tokens, outputTokens: body.usage.completion_tokens });
  });
});
