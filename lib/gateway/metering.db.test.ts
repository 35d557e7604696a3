import Anthropic from "@anthropic-ai/sdk";
import { asc, eq, sql } from "drizzle-orm";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { apiKeys, usageDaily, usageEvents } from "@/db/schema";
import { complete, simulateResult, type SseFrame } from "@/lib/gateway/simulator";
import { costUsd, priceFor } from "@/lib/usage/pricing";
import { flushUsage } from "@/lib/usage/recorder";
import { useDatabase } from "@/testing/db";
import { startGateway, type Door, type Gateway } from "@/testing/gateway-harness";
import { anthropicClient, geminiClient, openaiClient, PROVIDER_KEYS } from "@/testing/sdk-clients";

// Usage metering must be exact: every proxied call becomes one usage event whose token
// counts are the ones the provider reported to the client, no more, no less, and the
// daily rollups and last_used_at agree with the raw events.

useDatabase();

const { openai: PROVIDER_KEY, anthropic: ANTHROPIC_KEY, google: GOOGLE_KEY } = PROVIDER_KEYS;
const question = "How many tokens did this call really use?";
let gw: Gateway;

beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => gw.mock.reset());

type UsageEvent = typeof usageEvents.$inferSelect;

const openai = (door: Door, gatewayKey: string, providerKey?: string | null) =>
  openaiClient(gw.urls[door], gatewayKey, providerKey);
const anthropic = (door: Door, gatewayKey: string) => anthropicClient(gw.urls[door], gatewayKey);
const gemini = (door: Door, gatewayKey: string) => geminiClient(gw.urls[door], gatewayKey);

async function readEvents(keyId: string): Promise<UsageEvent[]> {
  const db = await getDb();
  return db.select().from(usageEvents).where(eq(usageEvents.keyId, keyId)).orderBy(asc(usageEvents.id));
}

/**
 * The key's usage events once `count` have been written. An event is recorded when the
 * response body finishes, which may be a tick after the SDK call returns: flush and
 * re-read until they are there (or the wait runs out, and the caller's assertion says so).
 */
async function eventsOf(keyId: string, count = 1, timeoutMs = 10_000): Promise<UsageEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await flushUsage();
    const rows = await readEvents(keyId);
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The single event of a call, checked to be the only one. */
async function onlyEvent(keyId: string): Promise<UsageEvent> {
  const rows = await eventsOf(keyId, 1);
  expect(rows).toHaveLength(1);
  return rows[0];
}

function expectedCost(provider: string, model: string, t: { input: number; cached?: number; output: number }): number {
  const price = priceFor(provider, model);
  if (!price) throw new Error(`no price for ${provider}/${model}: pick a priced model`);
  return costUsd(price, { inputTokens: t.input, cachedInputTokens: t.cached ?? 0, outputTokens: t.output });
}

/** What the mock (the simulator) reports as usage for an OpenAI chat body: the non-streamed answer's usage. */
function simulatedChatUsage(body: Record<string, unknown>): { prompt_tokens: number; completion_tokens: number } {
  const result = simulateResult({
    format: "openai",
    method: "POST",
    path: "/chat/completions",
    search: "",
    body: { ...body, stream: false, stream_options: undefined },
  });
  return JSON.parse(result.body!).usage;
}

// Anthropic frames for a custom answer whose usage reports prompt-cache tokens.
const CACHED = { input: 21, creation: 1_200, read: 3_400, output: 17 };
const cachedText = "Served mostly from the prompt cache.";

function cachedMessage(outputTokens: number) {
  return {
    id: "msg_01cachedcachedcachedcach",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-5-5",
    content: [] as unknown[],
    stop_reason: null as string | null,
    stop_sequence: null,
    usage: {
      input_tokens: CACHED.input,
      cache_creation_input_tokens: CACHED.creation,
      cache_read_input_tokens: CACHED.read,
      output_tokens: outputTokens,
      service_tier: "standard",
    },
  };
}

function cachedStream(deltaUsage: Record<string, number | null>): SseFrame[] {
  const frame = (type: string, fields: Record<string, unknown> = {}, paced = false): SseFrame => ({
    event: type,
    data: { type, ...fields },
    paced,
  });
  return [
    // message_start's output_tokens is a placeholder: the final count comes in message_delta.
    frame("message_start", { message: cachedMessage(1) }),
    frame("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    ...cachedText.split(" ").map((w, i) =>
      frame("content_block_delta", { index: 0, delta: { type: "text_delta", text: (i ? " " : "") + w } }, true),
    ),
    frame("content_block_stop", { index: 0 }),
    frame("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: deltaUsage }),
    frame("message_stop"),
  ];
}

describe.each<Door>(["node", "web"])("usage metering through the %s door", (door) => {
  describe("OpenAI chat completions", () => {
    it("a non-streamed completion records exactly the usage the client was told, priced", async () => {
      const { id, key, caller } = await gw.liveKey();
      const res = await openai(door, key).chat.completions.create({
        model: "gpt-5.2",
        messages: [{ role: "user", content: question }],
      });
      const usage = res.usage!;
      expect(usage.prompt_tokens).toBeGreaterThan(0);
      expect(usage.completion_tokens).toBe(complete(question).tokens);

      const e = await onlyEvent(id);
      expect(e).toMatchObject({
        ownerId: caller.ownerId,
        environment: "live",
        provider: "openai",
        model: "gpt-5.2",
        endpoint: "/chat/completions",
        status: 200,
        inputTokens: usage.prompt_tokens,
        outputTokens: usage.completion_tokens,
        cachedInputTokens: 0,
        streamed: false,
        aborted: false,
      });
      expect(e.costUsd).toBeGreaterThan(0);
      expect(e.costUsd).toBeCloseTo(
        expectedCost("openai", "gpt-5.2", { input: usage.prompt_tokens, output: usage.completion_tokens }),
        9,
      );
      expect(e.latencyMs).toBeGreaterThanOrEqual(0);
      expect(e.ttfbMs).not.toBeNull();
      expect(e.ttfbMs!).toBeLessThanOrEqual(e.latencyMs);
    });

    it("a stream without stream_options: usage is asked for upstream, metered, and hidden from the client", async () => {
      const { id, key } = await gw.liveKey();
      const body = { model: "gpt-5.2", messages: [{ role: "user" as const, content: question }] };
      const stream = await openai(door, key).chat.completions.create({ ...body, stream: true });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      // The client gets the stream it asked for: content only, no usage-only chunk.
      expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")).toBe(complete(question).text);
      expect(chunks.filter((c) => c.choices.length === 0)).toEqual([]);
      expect(chunks.filter((c) => c.usage)).toEqual([]);

      expect(gw.mock.requests).toHaveLength(1);
      const upstream = JSON.parse(gw.mock.requests[0].body);
      expect(upstream.stream_options).toEqual({ include_usage: true });

      const usage = simulatedChatUsage(body);
      const e = await onlyEvent(id);
      expect(e).toMatchObject({
        endpoint: "/chat/completions",
        status: 200,
        inputTokens: usage.prompt_tokens,
        outputTokens: usage.completion_tokens,
        streamed: true,
        aborted: false,
      });
      expect(e.outputTokens).toBe(complete(question).tokens);
      expect(e.costUsd).toBeGreaterThan(0);
    });

    it("a stream with a prompt too large to parse on the hot path is still metered, its usage chunk still hidden", async () => {
      const { id, key } = await gw.liveKey();
      const long = "All work and no play. ".repeat(20_000); // ~440 KB: above the parse limit
      for (const stream_options of [undefined, { include_usage: false }]) {
        gw.mock.reset();
        const body = { model: "gpt-5.2", messages: [{ role: "user" as const, content: long }] };
        const stream = await openai(door, key).chat.completions.create({ ...body, stream: true, ...(stream_options ? { stream_options } : {}) });
        const chunks: OpenAI.ChatCompletionChunk[] = [];
        for await (const chunk of stream) chunks.push(chunk);
        expect(chunks.filter((c) => c.usage || c.choices.length === 0)).toEqual([]);
        const upstream = JSON.parse(gw.mock.requests[0].body);
        expect(upstream.stream_options).toEqual({ include_usage: true });
        expect(upstream.messages[0].content).toBe(long); // the rest of the body untouched
      }
      await flushUsage();
      const db = await getDb();
      const events = await db.select().from(usageEvents).where(eq(usageEvents.keyId, id));
      expect(events).toHaveLength(2);
      for (const e of events) expect(e.inputTokens).toBeGreaterThan(50_000);
    });

    it("a stream with include_usage from the client: the client sees the usage chunk, and it is what is recorded", async () => {
      const { id, key } = await gw.liveKey();
      const stream = await openai(door, key).chat.completions.create({
        model: "gpt-5.2",
        messages: [{ role: "user", content: question }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      const usageChunks = chunks.filter((c) => c.choices.length === 0 && c.usage);
      expect(usageChunks).toHaveLength(1);
      const usage = usageChunks[0].usage!;
      expect(JSON.parse(gw.mock.requests[0].body).stream_options).toEqual({ include_usage: true });

      const e = await onlyEvent(id);
      expect(e).toMatchObject({
        inputTokens: usage.prompt_tokens,
        outputTokens: usage.completion_tokens,
        streamed: true,
        aborted: false,
      });
      expect(e.costUsd).toBeCloseTo(
        expectedCost("openai", "gpt-5.2", { input: usage.prompt_tokens, output: usage.completion_tokens }),
        9,
      );
    });
  });

  describe("OpenAI Responses API and embeddings", () => {
    it("a non-streamed response records usage.input_tokens and output_tokens", async () => {
      const { id, key } = await gw.liveKey();
      const res = await openai(door, key).responses.create({ model: "gpt-5.2", input: question });
      const e = await onlyEvent(id);
      expect(res.usage!.output_tokens).toBe(complete(question).tokens);
      expect(e).toMatchObject({
        provider: "openai",
        model: "gpt-5.2",
        endpoint: "/responses",
        inputTokens: res.usage!.input_tokens,
        outputTokens: res.usage!.output_tokens,
        streamed: false,
      });
    });

    it("a streamed response records the usage of its response.completed event", async () => {
      const { id, key } = await gw.liveKey();
      const stream = await openai(door, key).responses.create({ model: "gpt-5.2", input: question, stream: true });
      let usage: OpenAI.Responses.ResponseUsage | null | undefined;
      let events = 0;
      for await (const event of stream) {
        events++;
        if (event.type === "response.completed") usage = event.response.usage;
      }
      expect(events).toBeGreaterThan(3);
      expect(usage?.output_tokens).toBe(complete(question).tokens);

      const e = await onlyEvent(id);
      expect(e).toMatchObject({
        endpoint: "/responses",
        inputTokens: usage!.input_tokens,
        outputTokens: usage!.output_tokens,
        streamed: true,
        aborted: false,
      });
    });

    it("embeddings record the prompt tokens as input and nothing as output", async () => {
      const { id, key } = await gw.liveKey();
      const res = await openai(door, key).embeddings.create({
        model: "text-embedding-3-small",
        input: ["the first text to embed", "and a second, somewhat longer, text to embed"],
      });
      expect(res.usage.prompt_tokens).toBeGreaterThan(0);
      const e = await onlyEvent(id);
      expect(e).toMatchObject({
        model: "text-embedding-3-small",
        endpoint: "/embeddings",
        inputTokens: res.usage.prompt_tokens,
        outputTokens: 0,
        streamed: false,
      });
      expect(e.costUsd).toBeCloseTo(expectedCost("openai", "text-embedding-3-small", { input: res.usage.prompt_tokens, output: 0 }), 9);
    });
  });

  describe("Anthropic messages", () => {
    const params = { model: "claude-sonnet-5-5", max_tokens: 256, messages: [{ role: "user" as const, content: question }] };

    it("a non-streamed message records its usage", async () => {
      const { id, key } = await gw.liveKey();
      const msg = await anthropic(door, key).messages.create(params);
      const e = await onlyEvent(id);
      expect(e).toMatchObject({
        provider: "anthropic",
        model: "claude-sonnet-5-5",
        endpoint: "/v1/messages",
        status: 200,
        inputTokens: msg.usage.input_tokens,
        outputTokens: msg.usage.output_tokens,
        cachedInputTokens: 0,
        streamed: false,
      });
      expect(e.costUsd).toBeGreaterThan(0);
    });

    it("a stream records message_delta's final output count, not message_start's placeholder added to it", async () => {
      const { id, key } = await gw.liveKey();
      const final = await anthropic(door, key).messages.stream(params).finalMessage();
      expect(final.usage.output_tokens).toBe(complete(question, 256).tokens);
      const e = await onlyEvent(id);
      expect(e).toMatchObject({
        endpoint: "/v1/messages",
        inputTokens: final.usage.input_tokens,
        outputTokens: final.usage.output_tokens,
        streamed: true,
        aborted: false,
      });
    });

    it("a non-streamed message with prompt caching: input includes cache creation and reads, reads counted as cached once", async () => {
      const { id, key } = await gw.liveKey();
      const body = cachedMessage(CACHED.output);
      gw.mock.reply({
        body: { ...body, content: [{ type: "text", text: cachedText }], stop_reason: "end_turn" },
        headers: { "request-id": "req_cached" },
      });
      const msg = await anthropic(door, key).messages.create(params);
      expect(msg.usage.cache_read_input_tokens).toBe(CACHED.read);

      const e = await onlyEvent(id);
      const input = CACHED.input + CACHED.creation + CACHED.read;
      expect(e).toMatchObject({ inputTokens: input, cachedInputTokens: CACHED.read, outputTokens: CACHED.output });
      expect(e.costUsd).toBeCloseTo(
        expectedCost("anthropic", "claude-sonnet-5-5", { input, cached: CACHED.read, output: CACHED.output }),
        9,
      );
    });

    // How message_delta may report usage: the classic output-only form, the current form
    // that repeats the cumulative input counters, and the form the SDK's MessageDeltaUsage
    // type allows, with input counters null ("omitted when they don't apply").
    const deltaUsages: Array<[string, Record<string, number | null>]> = [
      ["output only", { output_tokens: CACHED.output }],
      [
        "cumulative totals repeated",
        {
          input_tokens: CACHED.input,
          cache_creation_input_tokens: CACHED.creation,
          cache_read_input_tokens: CACHED.read,
          output_tokens: CACHED.output,
        },
      ],
      // A null must keep message_start's count, as the SDK does, not overwrite it with 0.
      [
        "input counters null",
        { input_tokens: null, cache_creation_input_tokens: null, cache_read_input_tokens: null, output_tokens: CACHED.output },
      ],
    ];
    it.each(deltaUsages)(
      "a stream with prompt caching (message_delta usage: %s) records what the SDK's final message reports",
      async (_, deltaUsage) => {
        const { id, key } = await gw.liveKey();
        gw.mock.reply({ frames: cachedStream(deltaUsage) });
        const final = await anthropic(door, key).messages.stream(params).finalMessage();
        expect(final.usage).toMatchObject({
          input_tokens: CACHED.input,
          cache_creation_input_tokens: CACHED.creation,
          cache_read_input_tokens: CACHED.read,
          output_tokens: CACHED.output,
        });

        const e = await onlyEvent(id);
        expect(e).toMatchObject({
          inputTokens: CACHED.input + CACHED.creation + CACHED.read,
          cachedInputTokens: CACHED.read,
          outputTokens: CACHED.output,
          streamed: true,
          aborted: false,
        });
      },
    );
  });

  describe("Gemini", () => {
    it("generateContent records usageMetadata's prompt and candidates token counts", async () => {
      const { id, key } = await gw.liveKey();
      const res = await gemini(door, key).models.generateContent({ model: "gemini-2.5-flash", contents: question });
      const meta = res.usageMetadata!;
      expect(meta.candidatesTokenCount).toBe(complete(question).tokens);
      const e = await onlyEvent(id);
      expect(e).toMatchObject({
        provider: "google",
        model: "gemini-2.5-flash",
        endpoint: "/v1beta/models/{model}:generateContent",
        inputTokens: meta.promptTokenCount,
        outputTokens: meta.candidatesTokenCount,
        streamed: false,
      });
      expect(e.costUsd).toBeCloseTo(
        expectedCost("google", "gemini-2.5-flash", { input: meta.promptTokenCount!, output: meta.candidatesTokenCount! }),
        9,
      );
    });

    it("streamGenerateContent records the last chunk's running totals, not a sum over chunks", async () => {
      const { id, key } = await gw.liveKey();
      const metas = [];
      for await (const chunk of await gemini(door, key).models.generateContentStream({
        model: "gemini-2.5-flash",
        contents: question,
      })) {
        metas.push(chunk.usageMetadata!);
      }
      expect(metas.length).toBeGreaterThan(1);
      const last = metas.at(-1)!;
      expect(last.candidatesTokenCount).toBe(complete(question).tokens);
      expect(metas[0].candidatesTokenCount).toBeLessThan(last.candidatesTokenCount!);

      const e = await onlyEvent(id);
      expect(e).toMatchObject({
        endpoint: "/v1beta/models/{model}:streamGenerateContent",
        inputTokens: last.promptTokenCount,
        outputTokens: last.candidatesTokenCount,
        streamed: true,
        aborted: false,
      });
    });

    it("streamGenerateContent without alt=sse (one JSON array) records the last element's usage", async () => {
      // Without ?alt=sse Gemini streams one JSON array of chunks as application/json
      // (curl users; the SDK always asks for SSE): the last element carries the totals.
      const { id, key } = await gw.liveKey();
      const res = await fetch(`${gw.urls[door]}/v1/google/v1beta/models/gemini-2.5-flash:streamGenerateContent`, {
        method: "POST",
        headers: { "x-goog-api-key": key, "x-provider-api-key": GOOGLE_KEY, "content-type": "application/json" },
        body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: question }] }] }),
      });
      expect(res.status).toBe(200);
      const chunks = (await res.json()) as Array<{ usageMetadata: { promptTokenCount: number; candidatesTokenCount: number } }>;
      expect(chunks.length).toBeGreaterThan(1);
      const last = chunks.at(-1)!.usageMetadata;
      expect(last.candidatesTokenCount).toBe(complete(question).tokens);

      const e = await onlyEvent(id);
      expect(e).toMatchObject({ inputTokens: last.promptTokenCount, outputTokens: last.candidatesTokenCount });
    });
  });

  describe("calls that do not finish normally", () => {
    it("a stream the client aborts after the first chunk is recorded once, as aborted", async () => {
      const { id, key } = await gw.liveKey();
      gw.mock.setStreaming({ chunks: 50, chunkDelayMs: 20 });
      const controller = new AbortController();
      const stream = await openai(door, key).chat.completions.create(
        { model: "gpt-5.2", messages: [{ role: "user", content: question.repeat(20) }], stream: true },
        { signal: controller.signal },
      );
      let content = "";
      try {
        for await (const chunk of stream) {
          content += chunk.choices[0]?.delta?.content ?? "";
          controller.abort();
          break;
        }
      } catch {
        // the SDK may throw on abort; either way the client is gone
      }
      expect(content.length).toBeLessThan(complete(question.repeat(20)).text.length);
      const e = await onlyEvent(id);
      expect(e).toMatchObject({ status: 200, streamed: true, aborted: true, endpoint: "/chat/completions" });

      // The upstream call is cut off too, and ending it records nothing more.
      const upstream = await gw.mock.waitFor((r) => r.aborted, 5_000);
      expect(upstream.completed).toBe(false);
      await flushUsage();
      expect(await readEvents(id)).toHaveLength(1);
    });

    it("an aborted Anthropic stream still records the input tokens message_start reported", async () => {
      const { id, key } = await gw.liveKey();
      gw.mock.setStreaming({ chunks: 50, chunkDelayMs: 20 });
      const controller = new AbortController();
      const long = question.repeat(20);
      const stream = anthropic(door, key).messages.stream(
        { model: "claude-sonnet-5-5", max_tokens: 4096, messages: [{ role: "user", content: long }] },
        { signal: controller.signal },
      );
      let inputTokens = -1;
      try {
        for await (const event of stream) {
          if (event.type === "message_start") inputTokens = event.message.usage.input_tokens;
          if (event.type === "content_block_delta") {
            controller.abort();
            break;
          }
        }
      } catch {
        // aborted
      }
      expect(inputTokens).toBeGreaterThan(0);
      const e = await onlyEvent(id);
      expect(e).toMatchObject({ aborted: true, streamed: true, inputTokens });
      expect(e.outputTokens).toBeLessThan(complete(long, 4096).tokens);
    });

    it("an upstream error is recorded with its status and no tokens", async () => {
      const { id, key } = await gw.liveKey();
      gw.mock.fail({
        status: 429,
        body: { error: { message: "Provider says slow down", type: "requests", code: "rate_limit_exceeded" } },
      });
      const err = await openai(door, key)
        .chat.completions.create({ model: "gpt-5.2", messages: [{ role: "user", content: question }] })
        .catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      const e = await onlyEvent(id);
      expect(e).toMatchObject({
        status: 429,
        model: "gpt-5.2",
        inputTokens: 0,
        outputTokens: 0,
        cachedInputTokens: 0,
        costUsd: 0,
        aborted: false,
      });

      const db = await getDb();
      const daily = await db.select().from(usageDaily).where(eq(usageDaily.keyId, id));
      expect(daily).toHaveLength(1);
      expect(daily[0]).toMatchObject({ requests: 1, errors: 1, inputTokens: 0, outputTokens: 0 });
    });

    it("a gateway refusal once the key is known (no provider key) is recorded with its status", async () => {
      const { id, key } = await gw.liveKey();
      const err = await openai(door, key, null)
        .chat.completions.create({ model: "gpt-5.2", messages: [{ role: "user", content: question }] })
        .catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(gw.mock.requests).toHaveLength(0);
      const e = await onlyEvent(id);
      expect(e).toMatchObject({
        status: 401,
        provider: "openai",
        endpoint: "/chat/completions",
        model: "gpt-5.2",
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        streamed: false,
        aborted: false,
      });
    });
  });

  describe("test keys", () => {
    it("are recorded with environment 'test' and the simulator's usage", async () => {
      const { id, key } = await gw.testKey();
      const res = await openai(door, key, null).chat.completions.create({
        model: "gpt-5.2",
        messages: [{ role: "user", content: question }],
      });
      expect(gw.mock.requests).toHaveLength(0);
      const e = await onlyEvent(id);
      expect(e).toMatchObject({
        environment: "test",
        provider: "openai",
        status: 200,
        inputTokens: res.usage!.prompt_tokens,
        outputTokens: res.usage!.completion_tokens,
      });
      const db = await getDb();
      const daily = await db.select().from(usageDaily).where(eq(usageDaily.keyId, id));
      expect(daily.map((d) => [d.environment, d.requests])).toEqual([["test", 1]]);
    });
  });
});

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
