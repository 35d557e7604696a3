import { connect } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { ApiError, GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { complete, countTokens } from "@/lib/gateway/simulator";
import { startMockProvider } from "./mock-provider";
import type { MockProvider } from "./mock-provider";

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(() => mock.close());
afterEach(() => mock.reset());

const openai = (opts: { maxRetries?: number; timeout?: number } = {}) =>
  new OpenAI({ apiKey: "sk-test-123", baseURL: mock.baseUrls.openai, maxRetries: 0, ...opts });
const anthropic = (opts: { maxRetries?: number } = {}) =>
  new Anthropic({ apiKey: "sk-ant-test-456", baseURL: mock.baseUrls.anthropic, maxRetries: 0, ...opts });
const gemini = () => new GoogleGenAI({ apiKey: "goog-test-789", httpOptions: { baseUrl: mock.baseUrls.gemini } });

const question = "How do gateway keys attribute usage?";
const answer = complete(question);

describe("OpenAI SDK against the mock", () => {
  it("chat completion: text, honest usage, recorded request and rate-limit headers", async () => {
    const { data, response } = await openai()
      .chat.completions.create({
        model: "gpt-4o-mini",
        messages: [
          { role: "system", content: "Be precise." },
          { role: "user", content: question },
        ],
      })
      .withResponse();
    expect(data.choices[0].message.content).toBe(answer.text);
    expect(data.usage).toMatchObject({
      prompt_tokens: countTokens("Be precise.") + countTokens(question),
      completion_tokens: answer.tokens,
      total_tokens: countTokens("Be precise.") + countTokens(question) + answer.tokens,
    });
    expect(response.headers.get("x-ratelimit-limit-requests")).toBe("10000");
    expect(Number(response.headers.get("x-ratelimit-remaining-requests"))).toBeLessThan(10000);
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);

    expect(mock.requests).toHaveLength(1);
    const [req] = mock.requests;
    expect(req).toMatchObject({ method: "POST", path: "/openai/v1/chat/completions", search: "", completed: true, aborted: false });
    expect(req.headers.authorization).toBe("Bearer sk-test-123");
    expect(JSON.parse(req.body)).toMatchObject({
      model: "gpt-4o-mini",
      messages: [{ role: "system" }, { role: "user", content: question }],
    });
  });

  it("chat stream: deltas add up to the usage, which comes only with include_usage", async () => {
    for (const includeUsage of [false, true]) {
      const stream = await openai().chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: question }],
        stream: true,
        ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      });
      let text = "";
      let deltas = 0;
      const usages: OpenAI.CompletionUsage[] = [];
      let finish: string | null = null;
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta.content;
        if (delta) {
          text += delta;
          deltas++;
        }
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usages.push(chunk.usage);
      }
      expect(text).toBe(answer.text);
      expect(deltas).toBe(8);
      expect(finish).toBe("stop");
      if (includeUsage) {
        expect(usages).toHaveLength(1);
        expect(usages[0].completion_tokens).toBe(countTokens(text));
        expect(usages[0].prompt_tokens).toBe(countTokens(question));
      } else {
        expect(usages).toHaveLength(0);
      }
    }
  });

  it("chat stream helper accumulates the final completion", async () => {
    const final = await openai()
      .chat.completions.stream({ model: "gpt-4o", messages: [{ role: "user", content: question }], max_tokens: 4 })
      .finalChatCompletion();
    // "simulated" is two tokens (one per started 6 characters): a 4-token answer stops mid-word.
    expect(final.choices[0].message.content).toBe("This is a simula");
    expect(final.choices[0].finish_reason).toBe("length");
  });

  it("embeddings: base64 by default decodes to the same floats as encoding_format float", async () => {
    const client = openai();
    const byDefault = await client.embeddings.create({ model: "text-embedding-3-small", input: ["alpha", "beta gamma"] });
    expect(JSON.parse(mock.requests[0].body).encoding_format).toBe("base64");
    const floats = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: ["alpha", "beta gamma"],
      encoding_format: "float",
    });
    expect(byDefault.data).toHaveLength(2);
    expect(byDefault.data[0].embedding).toHaveLength(1536);
    expect(byDefault.data[0].embedding).toEqual(floats.data[0].embedding);
    expect(byDefault.data[1].embedding).toEqual(floats.data[1].embedding);
    expect(byDefault.data[0].embedding).not.toEqual(byDefault.data[1].embedding);
    expect(byDefault.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  it("responses: JSON and the stream helper both report usage", async () => {
    const client = openai();
    const res = await client.responses.create({ model: "gpt-4.1", input: question, instructions: "Be short." });
    expect(res.output_text).toBe(answer.text);
    expect(res.usage).toMatchObject({ input_tokens: countTokens(question) + countTokens("Be short."), output_tokens: answer.tokens });

    const stream = client.responses.stream({ model: "gpt-4.1", input: [{ role: "user", content: question }] });
    let text = "";
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    const final = await stream.finalResponse();
    expect(text).toBe(answer.text);
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(final.status).toBe("completed");
    expect(final.output_text).toBe(answer.text);
    expect(final.usage?.output_tokens).toBe(countTokens(text));
    expect(final.usage?.input_tokens).toBe(countTokens(question));
  });

  it("lists models", async () => {
    const ids: string[] = [];
    for await (const m of openai().models.list()) ids.push(m.id);
    expect(ids).toContain("gpt-4o-mini");
  });

  it("fail() makes the SDK raise its typed error with the status, then recovers", async () => {
    mock.fail({ status: 429, headers: { "retry-after": "0" } });
    const err = await openai()
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err).toMatchObject({ status: 429, type: "requests", code: "rate_limit_exceeded" });
    // The queued failure was used up: the next call succeeds.
    await expect(openai().models.list()).resolves.toBeDefined();

    mock.fail({ status: 500, body: { error: { message: "boom", type: "server_error", param: null, code: null } }, times: 1 });
    const retried = await openai({ maxRetries: 1 }).chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(retried.choices[0].message.content).toContain("simulated");
    expect(mock.requests.filter((r) => r.path.endsWith("/chat/completions"))).toHaveLength(3);
  });

  it("fail() can target matching requests only", async () => {
    mock.fail({ status: 401, match: (r) => r.path.endsWith("/embeddings") });
    await expect(openai().models.list()).resolves.toBeDefined();
    await expect(openai().embeddings.create({ model: "text-embedding-3-small", input: "x" })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
  });

  it("records an abandoned stream as aborted and stops streaming", async () => {
    mock.setStreaming({ chunks: 40, chunkDelayMs: 25 });
    const stream = await openai().chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: question }],
      stream: true,
    });
    let deltas = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content && ++deltas === 2) break; // breaking aborts the request
    }
    const req = await mock.waitFor((r) => r.aborted);
    expect(req.completed).toBe(false);
    expect(req.path).toBe("/openai/v1/chat/completions");
  });

  it("hang() accepts the request and never answers, so client timeouts fire", async () => {
    mock.hang();
    const started = Date.now();
    const err = await openai({ timeout: 300 })
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const req = await mock.waitFor((r) => r.aborted);
    expect(req.completed).toBe(false);
  });

  it("slow streams honour setStreaming", async () => {
    mock.setStreaming({ chunks: 3, chunkDelayMs: 60 });
    const started = Date.now();
    const stream = await openai().chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }], stream: true });
    const arrivals: number[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) arrivals.push(Date.now() - started);
    expect(arrivals).toHaveLength(3);
    expect(arrivals[2] - arrivals[0]).toBeGreaterThanOrEqual(100);
  });
});

describe("Anthropic SDK against the mock", () => {
  const params = {
    model: "claude-haiku-4-5",
    max_tokens: 256,
    system: "You are terse.",
    messages: [{ role: "user" as const, content: question }],
  };
  const inputTokens = countTokens("You are terse.") + countTokens(question);

  it("messages.create: text, usage, API key recorded, rate-limit headers", async () => {
    const { data, response } = await anthropic().messages.create(params).withResponse();
    expect(data.content[0]).toMatchObject({ type: "text", text: answer.text });
    expect(data.stop_reason).toBe("end_turn");
    expect(data.usage).toMatchObject({ input_tokens: inputTokens, output_tokens: answer.tokens, cache_read_input_tokens: 0 });
    expect(response.headers.get("anthropic-ratelimit-requests-limit")).toBe("10000");
    expect(response.headers.get("request-id")).toMatch(/^req_011C/);
    const [req] = mock.requests;
    expect(req.path).toBe("/anthropic/v1/messages");
    // @anthropic-ai/sdk 1.x sends the API key as a bearer token, not as x-api-key.
    expect(req.headers.authorization).toBe("Bearer sk-ant-test-456");
    expect(req.headers["x-api-key"]).toBeUndefined();
    expect(req.headers["anthropic-version"]).toBeTruthy();
    expect(JSON.parse(req.body)).toMatchObject({ model: params.model, max_tokens: 256 });
  });

  it("messages.stream: streamed text and finalMessage usage agree", async () => {
    const stream = anthropic().messages.stream({ ...params, max_tokens: 12 });
    let text = "";
    stream.on("text", (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(countTokens(text)).toBe(12);
    expect(final.content[0]).toMatchObject({ type: "text", text });
    expect(final.stop_reason).toBe("max_tokens");
    expect(final.usage.output_tokens).toBe(countTokens(text));
    expect(final.usage.input_tokens).toBe(inputTokens);
  });

  it("counts tokens", async () => {
    const { input_tokens } = await anthropic().messages.countTokens({
      model: params.model,
      system: params.system,
      messages: params.messages,
    });
    expect(input_tokens).toBe(inputTokens);
  });

  it("fail() raises Anthropic's typed errors", async () => {
    mock.fail({ status: 529 });
    const overloaded = await anthropic()
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);
    expect(overloaded).toMatchObject({ status: 529, error: { type: "error", error: { type: "overloaded_error" } } });

    mock.fail({ status: 404 });
    await expect(anthropic().messages.create(params)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it("unknown paths come back as Anthropic 404s", async () => {
    const res = await fetch(`${mock.baseUrls.anthropic}/v1/nothing`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  });
});

describe("Google GenAI SDK against the mock", () => {
  it("generateContent: text and usageMetadata, x-goog-api-key recorded", async () => {
    const res = await gemini().models.generateContent({ model: "gemini-2.5-flash", contents: question });
    expect(res.text).toBe(answer.text);
    expect(res.candidates?.[0].finishReason).toBe("STOP");
    expect(res.usageMetadata).toMatchObject({
      promptTokenCount: countTokens(question),
      candidatesTokenCount: answer.tokens,
      totalTokenCount: countTokens(question) + answer.tokens,
    });
    const [req] = mock.requests;
    expect(req.path).toBe("/gemini/v1beta/models/gemini-2.5-flash:generateContent");
    expect(req.headers["x-goog-api-key"]).toBe("goog-test-789");
    expect(JSON.parse(req.body).contents[0].parts[0].text).toBe(question);
  });

  it("generateContentStream: SSE chunks add up to the final usage", async () => {
    const stream = await gemini().models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: question,
      config: { maxOutputTokens: 10 },
    });
    let text = "";
    let last: Awaited<ReturnType<typeof stream.next>>["value"];
    let chunks = 0;
    for await (const chunk of stream) {
      text += chunk.text ?? "";
      last = chunk;
      chunks++;
    }
    expect(chunks).toBe(8);
    expect(countTokens(text)).toBe(10);
    expect(last?.candidates?.[0].finishReason).toBe("MAX_TOKENS");
    expect(last?.usageMetadata?.candidatesTokenCount).toBe(countTokens(text));
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0].path).toBe("/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    expect(mock.requests[0].search).toBe("?alt=sse");
  });

  it("embedContent and countTokens", async () => {
    const client = gemini();
    const emb = await client.models.embedContent({
      model: "gemini-embedding-001",
      contents: ["first", "second"],
      config: { outputDimensionality: 16 },
    });
    expect(emb.embeddings).toHaveLength(2);
    expect(emb.embeddings?.[0].values).toHaveLength(16);
    expect(emb.embeddings?.[0].values).not.toEqual(emb.embeddings?.[1].values);
    const count = await client.models.countTokens({ model: "gemini-2.5-flash", contents: question });
    expect(count.totalTokens).toBe(countTokens(question));
  });

  it("fail() raises the SDK's ApiError with the status", async () => {
    mock.fail({ status: 429 });
    const err = await gemini()
      .models.generateContent({ model: "gemini-2.5-flash", contents: "hi" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(429);
    expect((err as ApiError).message).toContain("RESOURCE_EXHAUSTED");
  });
});

describe("routing", () => {
  it("serves unprefixed provider paths, for base URLs like http://127.0.0.1:4010/v1", async () => {
    const chat = await fetch(`${mock.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(((await chat.json()) as { object: string }).object).toBe("chat.completion");
    const msg = await fetch(`${mock.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(((await msg.json()) as { type: string }).type).toBe("message");
    expect(mock.requests.map((r) => r.path)).toEqual(["/v1/chat/completions", "/v1/messages"]);
  });

  it("answers malformed JSON with the provider's 400", async () => {
    const res = await fetch(`${mock.baseUrls.openai}/chat/completions`, { method: "POST", body: "{nope" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    expect(mock.requests[0].body).toBe("{nope");
  });

  it("answers unknown paths with a 404 instead of crashing", async () => {
    for (const path of ["/constructor/x", "/__proto__/chat/completions", "/gemini/v1beta/models/g:toString"]) {
      const res = await fetch(`${mock.url}${path}`, { method: "POST", body: "{}" });
      expect(res.status).toBe(404);
    }
    expect(mock.requests.every((r) => r.completed)).toBe(true);
  });

  it("records a request whose client left while sending the body as aborted", async () => {
    const { port } = new URL(mock.url);
    const socket = connect(Number(port), "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write('POST /openai/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"model":');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    const req = await mock.waitFor((r) => r.aborted);
    expect(req).toMatchObject({ path: "/openai/v1/chat/completions", completed: false });
  });

  it("waitFor rejects after its timeout", async () => {
    await expect(mock.waitFor((r) => r.path === "/never", 50)).rejects.toThrow(/no matching request/);
  });
});
