import { eq } from "drizzle-orm";
import type OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { usageEvents } from "@/db/schema";
import { complete } from "@/lib/gateway/simulator";
import { flushUsage } from "@/lib/usage/recorder";
import { useDatabase } from "@/testing/db";
import type { Door } from "@/testing/gateway-harness";
import { expectedCost, onlyEvent, question, sdkClients, simulatedChatUsage, useMeteringGateway } from "./metering.fixtures";

// Metering OpenAI's chat completions (streamed or not, usage asked for or hidden), Responses and
// embeddings: one event a call, with the tokens the client was told.

useDatabase();

const gw = useMeteringGateway();
const { openai } = sdkClients(gw);

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
      expect(e.costUsd).toBeCloseTo(expectedCost("openai", "gpt-5.2", { input: usage.prompt_tokens, output: usage.completion_tokens }), 9);
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
        const stream = await openai(door, key).chat.completions.create({
          ...body,
          stream: true,
          ...(stream_options ? { stream_options } : {}),
        });
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
      expect(e.costUsd).toBeCloseTo(expectedCost("openai", "gpt-5.2", { input: usage.prompt_tokens, output: usage.completion_tokens }), 9);
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
});
