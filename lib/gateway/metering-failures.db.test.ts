import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { usageDaily } from "@/db/schema";
import { complete } from "@/lib/gateway/simulator";
import { flushUsage } from "@/lib/usage/recorder";
import { useDatabase } from "@/testing/db";
import type { Door } from "@/testing/gateway-harness";
import { onlyEvent, question, readEvents, sdkClients, useMeteringGateway } from "./metering.fixtures";

// Metering calls that do not finish normally (aborted streams, upstream errors, gateway
// refusals once the key is known) and test keys, which the simulator answers.

useDatabase();

const gw = useMeteringGateway();
const { openai, anthropic } = sdkClients(gw);

describe.each<Door>(["node", "web"])("usage metering through the %s door", (door) => {
  describe("calls that do not finish normally", () => {
    it("a model name Postgres cannot store (a lone surrogate, a NUL) is still billed, as well-formed text", async () => {
      const { id, key } = await gw.liveKey();
      const res = await fetch(`${gw.urls[door]}/v1/openai/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "x-provider-api-key": "sk-test-provider", "content-type": "application/json" },
        // Raw JSON: the escapes reach the gateway as a lone surrogate and a NUL in the parsed string.
        body: '{"model":"gpt\\u0301\\udfff\\u0000x","messages":[{"role":"user","content":"hi"}]}',
      });
      expect(res.status).toBe(200);
      const e = await onlyEvent(id);
      expect(e.model).toBe("gpt\u0301\uFFFD\uFFFDx");
    });

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
