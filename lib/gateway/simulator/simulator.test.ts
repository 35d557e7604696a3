import { describe, expect, it } from "vitest";
import { complete, countTokens, splitDeltas } from "./index";
import { parseSse, sim } from "./simulator.fixtures";
import type { Json } from "./simulator.fixtures";

describe("countTokens", () => {
  it("counts words, symbols, long words and CJK characters", () => {
    expect(countTokens("")).toBe(0);
    expect(countTokens("   \n\t")).toBe(0);
    expect(countTokens("Hello, world!")).toBe(4);
    expect(countTokens("internationalization")).toBe(4); // 20 chars: one token per started 6
    expect(countTokens("abcdef abcdefg")).toBe(3);
    expect(countTokens("漢字かな")).toBe(4);
    expect(countTokens("abc漢字")).toBe(3);
    expect(countTokens("𝒳𝒳𝒳𝒳𝒳𝒳")).toBe(1); // six code points, twelve UTF-16 units
    expect(countTokens("a  b\n\nc")).toBe(3);
  });

  it("is additive over whitespace-joined texts", () => {
    const parts = ["You are terse.", "What is 2+2?", "Four, obviously!"];
    expect(countTokens(parts.join("\n"))).toBe(parts.reduce((n, p) => n + countTokens(p), 0));
  });
});

describe("complete", () => {
  it("is deterministic, quotes the prompt and differs between prompts", () => {
    const a = complete("Tell me about rate limits for teams please");
    expect(complete("Tell me about rate limits for teams please")).toEqual(a);
    expect(a.text).toMatch(/^This is a simulated response from NeuronEdge to: "Tell me about rate limits for teams please"\./);
    expect(a.finish).toBe("stop");
    expect(a.tokens).toBe(countTokens(a.text));
    expect(complete("Something else entirely").text).not.toBe(a.text);
    expect(complete("one two three four five six seven eight nine ten").text).toContain('"one two three four five six seven eight…"');
  });

  it("honours maxTokens exactly at every size", () => {
    const full = complete("Explain streaming");
    for (let max = 1; max < full.tokens; max++) {
      const cut = complete("Explain streaming", max);
      expect(cut.finish).toBe("length");
      expect(cut.tokens).toBe(countTokens(cut.text));
      expect(cut.tokens).toBe(max);
      expect(full.text.startsWith(cut.text)).toBe(true);
    }
    expect(complete("Explain streaming", full.tokens)).toEqual(full);
  });
});

describe("splitDeltas", () => {
  it("splits into the requested number of non-empty deltas that join back", () => {
    const { text } = complete("hello");
    for (const n of [1, 3, 8, 20]) {
      const deltas = splitDeltas(text, n);
      expect(deltas.join("")).toBe(text);
      expect(deltas).toHaveLength(n);
      expect(deltas.every((d) => d.length > 0)).toBe(true);
    }
    expect(splitDeltas("two words", 8)).toEqual(["two", " words"]);
    // Long words stream in 6-character pieces, each one token.
    expect(splitDeltas("a simulated", 8)).toEqual(["a", " simula", "ted"]);
    expect(splitDeltas("𝒳𝒳𝒳𝒳𝒳𝒳𝒳", 8)).toEqual(["𝒳𝒳𝒳𝒳𝒳𝒳", "𝒳"]); // never splits a surrogate pair
  });
});

describe("openai", () => {
  const messages = [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: [{ type: "text", text: "What is a gateway key?" }] },
  ];
  const promptTokens = countTokens("You are a helpful assistant.") + countTokens("What is a gateway key?");

  it("answers chat completions with honest usage", async () => {
    const res = await sim({ format: "openai", path: "/chat/completions", body: { model: "gpt-4o-mini", messages } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/^req_[A-Za-z0-9]{32}$/);
    const body: Json = await res.json();
    expect(body.object).toBe("chat.completion");
    expect(body.model).toBe("gpt-4o-mini");
    expect(body.id).toMatch(/^chatcmpl-/);
    const content = body.choices[0].message.content;
    expect(content).toBe(complete("What is a gateway key?").text);
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(body.usage).toMatchObject({
      prompt_tokens: promptTokens,
      completion_tokens: countTokens(content),
      total_tokens: promptTokens + countTokens(content),
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });

  it("honours max_completion_tokens and max_tokens", async () => {
    for (const field of ["max_tokens", "max_completion_tokens"]) {
      const res = await sim({ format: "openai", path: "/chat/completions", body: { model: "m", messages, [field]: 3 } });
      const body: Json = await res.json();
      expect(body.usage.completion_tokens).toBe(3);
      expect(body.choices[0].message.content).toBe("This is a");
      expect(body.choices[0].finish_reason).toBe("length");
    }
  });

  it("streams chunks that add up to the reported usage, usage chunk only when asked", async () => {
    for (const includeUsage of [false, true]) {
      const res = await sim({
        format: "openai",
        path: "/chat/completions",
        chunks: 5,
        body: { model: "gpt-4o", messages, stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) },
      });
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(res.headers.get("cache-control")).toBe("no-cache");
      const frames = parseSse(await res.text());
      expect(frames.at(-1)!.data).toBe("[DONE]");
      const chunks: Json[] = frames.slice(0, -1).map((f) => JSON.parse(f.data));
      expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.id === chunks[0].id)).toBe(true);
      expect(chunks[0].choices[0].delta.role).toBe("assistant");
      const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
      expect(text).toBe(complete("What is a gateway key?").text);
      expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(5);
      const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
      expect(finish).toHaveLength(1);
      expect(finish[0].choices[0].finish_reason).toBe("stop");
      const usage = chunks.filter((c) => c.usage);
      if (includeUsage) {
        expect(usage).toHaveLength(1);
        expect(usage[0].choices).toEqual([]);
        expect(usage[0]).toBe(chunks.at(-1));
        expect(usage[0].usage.completion_tokens).toBe(countTokens(text));
        expect(usage[0].usage.prompt_tokens).toBe(promptTokens);
      } else {
        expect(usage).toHaveLength(0);
        expect(chunks.every((c) => !("usage" in c))).toBe(true);
      }
    }
  });

  it("answers the Responses API, JSON and SSE with sequence numbers", async () => {
    const body = { model: "gpt-4.1", instructions: "Be brief.", input: "Hello responses" };
    const res = await sim({ format: "openai", path: "/responses", body });
    const json: Json = await res.json();
    const expected = complete("Hello responses").text;
    expect(json.object).toBe("response");
    expect(json.status).toBe("completed");
    expect(json.output[0].content[0]).toMatchObject({ type: "output_text", text: expected });
    const input = countTokens("Hello responses") + countTokens("Be brief.");
    expect(json.usage).toEqual({
      input_tokens: input,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: countTokens(expected),
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: input + countTokens(expected),
    });

    const stream = await sim({ format: "openai", path: "/responses", body: { ...body, stream: true }, chunks: 4 });
    const frames = parseSse(await stream.text());
    const events: Json[] = frames.map((f) => ({ event: f.event, ...JSON.parse(f.data) }));
    expect(events.every((e) => e.event === e.type)).toBe(true);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...Array(4).fill("response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const deltas = events
      .filter((e) => e.type === "response.output_text.delta")
      .map((e) => e.delta)
      .join("");
    expect(deltas).toBe(expected);
    expect(events.at(-1).response.usage.output_tokens).toBe(countTokens(deltas));
    expect(events.at(-1).response.id).toBe(events[0].response.id);
  });

  it("ends a truncated Responses stream with response.incomplete", async () => {
    const res = await sim({ format: "openai", path: "/responses", body: { model: "m", input: "x", max_output_tokens: 4, stream: true } });
    const last: Json = JSON.parse(parseSse(await res.text()).at(-1)!.data);
    expect(last.type).toBe("response.incomplete");
    expect(last.response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(last.response.usage.output_tokens).toBe(4);
  });

  it("embeds deterministically, as floats or base64 float32", async () => {
    const embed = async (extra: object) =>
      (await (await sim({ format: "openai", path: "/embeddings", body: { model: "text-embedding-3-small", ...extra } })).json()) as Json;
    const floats = await embed({ input: ["alpha beta", "gamma"], encoding_format: "float" });
    expect(floats.data).toHaveLength(2);
    expect(floats.data[0].embedding).toHaveLength(1536);
    expect(floats.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    const v: number[] = floats.data[0].embedding;
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    expect(floats.data[1].embedding).not.toEqual(v);
    expect((await embed({ input: "alpha beta" })).data[0].embedding).toEqual(v);

    const b64 = await embed({ input: ["alpha beta"], encoding_format: "base64" });
    const buf = Buffer.from(b64.data[0].embedding, "base64");
    expect(Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4))).toEqual(v);

    expect((await embed({ input: "x", dimensions: 8 })).data[0].embedding).toHaveLength(8);
    const tooBig = await sim({
      format: "openai",
      path: "/embeddings",
      body: { model: "text-embedding-3-small", input: "x", dimensions: 1e9 },
    });
    expect(tooBig.status).toBe(400);
    expect((await embed({ input: [[1, 2, 3]] })).usage.prompt_tokens).toBe(3);
  });

  it("lists models and answers unknown paths and bad bodies in OpenAI's error shape", async () => {
    const models: Json = await (await sim({ format: "openai", method: "GET", path: "/models" })).json();
    expect(models.object).toBe("list");
    expect(models.data.map((m: Json) => m.id)).toContain("gpt-4o-mini");

    const nf = await sim({ format: "openai", path: "/nope" });
    expect(nf.status).toBe(404);
    expect(await nf.json()).toEqual({
      error: { message: "Invalid URL (POST /nope)", type: "invalid_request_error", param: null, code: "not_found" },
    });
    const get = await sim({ format: "openai", method: "GET", path: "/chat/completions" });
    expect(get.status).toBe(404);

    const noModel = await sim({ format: "openai", path: "/chat/completions", body: { messages } });
    expect(noModel.status).toBe(400);
    expect(((await noModel.json()) as Json).error).toMatchObject({ type: "invalid_request_error", param: "model" });
    const noMessages = await sim({ format: "openai", path: "/chat/completions", body: { model: "m" } });
    expect(((await noMessages.json()) as Json).error.param).toBe("messages");
    expect((await sim({ format: "openai", path: "/chat/completions" })).status).toBe(400);
  });
});
