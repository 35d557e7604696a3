import { describe, expect, it } from "vitest";
import { complete, countTokens, encodeFrame, simulate, simulateResult } from "./index";
import { parseSse, sim } from "./simulator.fixtures";
import type { Json } from "./simulator.fixtures";

describe("anthropic", () => {
  const body = { model: "claude-haiku-4-5", max_tokens: 200, system: "Be kind.", messages: [{ role: "user", content: "Hi Claude" }] };
  const input = countTokens("Be kind.") + countTokens("Hi Claude");

  it("answers messages on /v1/messages and /messages", async () => {
    for (const path of ["/v1/messages", "/messages"]) {
      const res = await sim({ format: "anthropic", path, body });
      expect(res.status).toBe(200);
      expect(res.headers.get("request-id")).toMatch(/^req_011C/);
      const msg: Json = await res.json();
      expect(msg).toMatchObject({ type: "message", role: "assistant", model: body.model, stop_reason: "end_turn" });
      expect(msg.id).toMatch(/^msg_01/);
      expect(msg.content[0].text).toBe(complete("Hi Claude").text);
      expect(msg.usage).toMatchObject({
        input_tokens: input,
        output_tokens: countTokens(msg.content[0].text),
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      });
    }
  });

  it("streams the documented event sequence with the final usage in message_delta", async () => {
    const res = await sim({ format: "anthropic", path: "/v1/messages", body: { ...body, max_tokens: 6, stream: true }, chunks: 3 });
    const frames = parseSse(await res.text());
    const events: Json[] = frames.map((f) => JSON.parse(f.data));
    expect(frames.map((f) => f.event)).toEqual(events.map((e) => e.type));
    expect(events.map((e) => e.type)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events[0].message.usage).toMatchObject({ input_tokens: input, output_tokens: 1 });
    const text = events
      .filter((e) => e.type === "content_block_delta")
      .map((e) => e.delta.text)
      .join("");
    expect(countTokens(text)).toBe(6);
    expect(events[7]).toMatchObject({ delta: { stop_reason: "max_tokens" }, usage: { output_tokens: 6 } });
  });

  it("counts tokens and rejects bad requests in Anthropic's error shape", async () => {
    const count = await sim({ format: "anthropic", path: "/v1/messages/count_tokens", body });
    expect(await count.json()).toEqual({ input_tokens: input });
    const nf = await sim({ format: "anthropic", path: "/v1/complete" });
    expect(nf.status).toBe(404);
    expect((await nf.json()) as Json).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    const bad = await sim({ format: "anthropic", path: "/v1/messages", body: { model: "m", max_tokens: 5 } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message: "messages: Field required" } });
    const noMax = await sim({ format: "anthropic", path: "/v1/messages", body: { model: "m", messages: body.messages } });
    expect(noMax.status).toBe(400);
  });
});

describe("gemini", () => {
  const body = {
    systemInstruction: { parts: [{ text: "Answer briefly." }] },
    contents: [{ role: "user", parts: [{ text: "Why is the sky blue?" }] }],
  };
  const prompt = countTokens("Answer briefly.") + countTokens("Why is the sky blue?");

  it("generates content with usageMetadata", async () => {
    const res = await sim({ format: "gemini", path: "/v1beta/models/gemini-2.5-flash:generateContent", body });
    const json: Json = await res.json();
    const text = json.candidates[0].content.parts[0].text;
    expect(text).toBe(complete("Why is the sky blue?").text);
    expect(json.candidates[0].finishReason).toBe("STOP");
    expect(json.modelVersion).toBe("gemini-2.5-flash");
    expect(json.usageMetadata).toMatchObject({
      promptTokenCount: prompt,
      candidatesTokenCount: countTokens(text),
      totalTokenCount: prompt + countTokens(text),
    });
  });

  it("streams SSE chunks with running usage and the finish reason last", async () => {
    const res = await sim({
      format: "gemini",
      path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
      search: "?alt=sse",
      body: { ...body, generationConfig: { maxOutputTokens: 9 } },
      chunks: 3,
    });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const chunks: Json[] = parseSse(await res.text()).map((f) => JSON.parse(f.data));
    expect(chunks).toHaveLength(3);
    let text = "";
    for (const c of chunks) {
      text += c.candidates[0].content.parts[0].text;
      expect(c.usageMetadata.candidatesTokenCount).toBe(countTokens(text));
      expect(c.usageMetadata.promptTokenCount).toBe(prompt);
    }
    expect(countTokens(text)).toBe(9);
    expect(chunks.map((c) => c.candidates[0].finishReason)).toEqual([undefined, undefined, "MAX_TOKENS"]);

    const array = await sim({ format: "gemini", path: "/v1beta/models/g:streamGenerateContent", body, chunks: 2 });
    expect(((await array.json()) as Json[]).length).toBe(2);
  });

  it("embeds, counts tokens, lists models and reports errors in Google's shape", async () => {
    const one: Json = await (
      await sim({
        format: "gemini",
        path: "/v1beta/models/text-embedding-004:embedContent",
        body: { content: { parts: [{ text: "hi" }] } },
      })
    ).json();
    expect(one.embedding.values).toHaveLength(768);
    const batch: Json = await (
      await sim({
        format: "gemini",
        path: "/v1beta/models/gemini-embedding-001:batchEmbedContents",
        body: { requests: [{ content: { parts: [{ text: "hi" }] }, outputDimensionality: 4 }, { content: { parts: [{ text: "yo" }] } }] },
      })
    ).json();
    expect(batch.embeddings[0].values).toHaveLength(4);
    expect(batch.embeddings[1].values).toHaveLength(3072);

    const count: Json = await (await sim({ format: "gemini", path: "/v1beta/models/g:countTokens", body })).json();
    expect(count.totalTokens).toBe(prompt);
    const list: Json = await (await sim({ format: "gemini", method: "GET", path: "/v1beta/models" })).json();
    expect(list.models.map((m: Json) => m.name)).toContain("models/gemini-2.5-flash");

    for (const action of ["constructor", "toString", "hasOwnProperty"]) {
      expect((await sim({ format: "gemini", path: `/v1beta/models/g:${action}`, body })).status).toBe(404);
    }
    const nf = await sim({ format: "gemini", path: "/v1beta/models/g:explode" });
    expect(nf.status).toBe(404);
    expect(((await nf.json()) as Json).error).toMatchObject({ code: 404, status: "NOT_FOUND" });
    const bad = await sim({ format: "gemini", path: "/v1beta/models/g:generateContent", body: {} });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
  });
});

describe("streaming controls", () => {
  const chat = { model: "m", messages: [{ role: "user", content: "pace me" }], stream: true };

  it("waits chunkDelayMs between deltas", async () => {
    const started = Date.now();
    const res = await sim({ format: "openai", path: "/chat/completions", body: chat, chunks: 4, chunkDelayMs: 40 });
    await res.text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(110); // three gaps between four deltas
  });

  it("stops producing and errors the stream when the signal aborts", async () => {
    const controller = new AbortController();
    const res = await sim({
      format: "anthropic",
      path: "/v1/messages",
      body: { ...chat, max_tokens: 100 },
      chunks: 10,
      chunkDelayMs: 20,
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = "";
    while (!seen.includes("content_block_delta")) seen += decoder.decode((await reader.read()).value);
    controller.abort();
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return seen;
          seen += decoder.decode(value);
        }
      })(),
    ).rejects.toThrow();
    expect(seen).not.toContain("message_stop");
    expect(seen.split("content_block_delta").length - 1).toBeLessThan(10);
  });

  it("gives every response a fresh request id", async () => {
    const ids = new Set<string | null>();
    for (let i = 0; i < 5; i++) {
      ids.add((await sim({ format: "openai", method: "GET", path: "/models" })).headers.get("x-request-id"));
    }
    expect(ids.size).toBe(5);
  });

  it("simulateResult gives the same answer as plain data, for node:http writers", async () => {
    const body = { model: "m", max_tokens: 20, messages: [{ role: "user", content: "plain" }] };
    const json = simulateResult({ format: "anthropic", method: "POST", path: "/v1/messages", search: "", body });
    expect(json.status).toBe(200);
    expect(json.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(json.body!).content[0].text).toBe(complete("plain", 20).text);

    const streamed = simulateResult({
      format: "anthropic",
      method: "POST",
      path: "/v1/messages",
      search: "",
      body: { ...body, stream: true },
    });
    expect(streamed.headers["content-type"]).toMatch(/^text\/event-stream/);
    const viaResponse = await (
      await simulate({ format: "anthropic", method: "POST", path: "/v1/messages", search: "", body: { ...body, stream: true } })
    ).text();
    // Same frames apart from the random message id.
    const strip = (t: string) => t.replace(/msg_01\w+/g, "msg");
    expect(strip(streamed.frames!.map(encodeFrame).join(""))).toBe(strip(viaResponse));
  });
});
