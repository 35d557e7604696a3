import { describe, expect, it } from "vitest";
import { complete, type SseFrame } from "@/lib/gateway/simulator";
import { useDatabase } from "@/testing/db";
import type { Door } from "@/testing/gateway-harness";
import { expectedCost, onlyEvent, question, sdkClients, useMeteringGateway } from "./metering.fixtures";

// Metering Anthropic's messages: message_delta's final output count, and prompt-cache tokens
// counted as input once and as cached once, in every form message_delta may report them.

useDatabase();

const gw = useMeteringGateway();
const { anthropic } = sdkClients(gw);

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
    ...cachedText
      .split(" ")
      .map((w, i) => frame("content_block_delta", { index: 0, delta: { type: "text_delta", text: (i ? " " : "") + w } }, true)),
    frame("content_block_stop", { index: 0 }),
    frame("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: deltaUsage }),
    frame("message_stop"),
  ];
}

describe.each<Door>(["node", "web"])("usage metering through the %s door", (door) => {
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
});
