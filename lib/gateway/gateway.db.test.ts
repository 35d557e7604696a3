import Anthropic from "@anthropic-ai/sdk";
import { ApiError, GoogleGenAI } from "@google/genai";
import { request as httpRequest } from "node:http";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetEnv } from "@/lib/env";
import { complete } from "@/lib/gateway/simulator";
import { clearVerifierCache, verifierStats } from "@/lib/keys/verifier";
import { flushUsage } from "@/lib/usage/recorder";
import { getOwnerKey, revokeOwnerKey } from "@/lib/keys/service";
import { useDatabase } from "@/testing/db";
import { startGateway, type Door, type Gateway } from "@/testing/gateway-harness";
import { anthropicClient, geminiClient, openaiClient, PROVIDER_KEYS } from "@/testing/sdk-clients";

useDatabase();

const { openai: PROVIDER_KEY, anthropic: ANTHROPIC_KEY, google: GOOGLE_KEY } = PROVIDER_KEYS;
let gw: Gateway;

beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => gw.mock.reset());

const question = "Which key made this call?";

const openai = (door: Door, gatewayKey: string, providerKey?: string | null) => openaiClient(gw.urls[door], gatewayKey, providerKey);
const anthropic = (door: Door, gatewayKey: string) => anthropicClient(gw.urls[door], gatewayKey);
const gemini = (door: Door, gatewayKey: string) => geminiClient(gw.urls[door], gatewayKey);

/** Every header value the mock received, flattened, to prove what never went upstream. */
function upstreamHeaderText(): string {
  return JSON.stringify(gw.mock.requests.map((r) => r.headers));
}

/**
 * A raw HTTP request, so paths reach the gateway exactly as written (fetch would normalise them).
 * A body given in pieces goes out with a pause between them.
 */
function raw(door: Door, method: string, path: string, headers: Record<string, string>, body?: string | (string | Buffer)[]) {
  const pieces = body === undefined ? [] : typeof body === "string" ? [body] : body;
  const url = new URL(gw.urls[door]);
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, body: text, headers: res.headers }));
    });
    req.on("error", reject);
    void (async () => {
      for (const piece of pieces.slice(0, -1)) {
        if (req.destroyed) return;
        req.write(piece);
        await new Promise((r) => setTimeout(r, 40));
      }
      req.end(pieces.at(-1)); // a single piece goes out whole, with the end of the request
    })();
  });
}

/** A POST whose body goes out chunked (no length declared), in pieces. */
const piecewise = (door: Door, path: string, headers: Record<string, string>, pieces: (string | Buffer)[]) =>
  raw(door, "POST", path, { ...headers, "transfer-encoding": "chunked" }, pieces);

describe.each<Door>(["node", "web"])("the proxy through the %s door", (door) => {
  describe("OpenAI SDK", () => {
    it("forwards a chat completion unchanged, with the provider key upstream and the gateway key nowhere", async () => {
      const { key } = await gw.liveKey();
      const body = { model: "gpt-5.2", messages: [{ role: "user" as const, content: question }], temperature: 0.3 };
      const res = await openai(door, key).chat.completions.create(body);
      expect(res.choices[0].message.content).toBe(complete(question).text);
      expect(res.usage?.completion_tokens).toBe(complete(question).tokens);

      expect(gw.mock.requests).toHaveLength(1);
      const got = gw.mock.requests[0];
      expect(got.path).toBe("/openai/v1/chat/completions");
      expect(JSON.parse(got.body)).toEqual(body);
      expect(got.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
      expect(got.headers["x-provider-api-key"]).toBeUndefined();
      expect(upstreamHeaderText()).not.toContain(key);
      expect(upstreamHeaderText()).not.toContain("ne_live_");
    });

    it("passes request ids and provider rate-limit headers back", async () => {
      const { key } = await gw.liveKey();
      const { response } = await openai(door, key)
        .chat.completions.create({ model: "gpt-5.2", messages: [{ role: "user", content: "hi" }] })
        .withResponse();
      expect(response.headers.get("x-request-id")).toBeTruthy();
      expect(response.headers.get("x-ratelimit-limit-requests")).toBeTruthy();
    });

    it("streams chunk by chunk: the first chunk arrives before the provider has finished", async () => {
      const { key } = await gw.liveKey();
      gw.mock.setStreaming({ chunks: 6, chunkDelayMs: 150 });
      const stream = await openai(door, key).chat.completions.create({
        model: "gpt-5.2",
        messages: [{ role: "user", content: question }],
        stream: true,
      });
      let text = "";
      let firstChunkWhileUpstreamOpen: boolean | null = null;
      for await (const chunk of stream) {
        if (firstChunkWhileUpstreamOpen === null) firstChunkWhileUpstreamOpen = !gw.mock.requests[0].completed;
        text += chunk.choices[0]?.delta?.content ?? "";
      }
      expect(firstChunkWhileUpstreamOpen).toBe(true);
      expect(text).toBe(complete(question).text);
      expect(gw.mock.requests[0].completed).toBe(true);
    });

    it("sets Cache-Control: no-cache, no-transform on streams", async () => {
      const { key } = await gw.liveKey();
      const res = await raw(
        door,
        "POST",
        "/v1/openai/chat/completions",
        { authorization: `Bearer ${key}`, "x-provider-api-key": PROVIDER_KEY, "content-type": "application/json" },
        JSON.stringify({ model: "gpt-5.2", messages: [{ role: "user", content: "hi" }], stream: true }),
      );
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
      expect(res.headers["cache-control"]).toBe("no-cache, no-transform");
      expect(res.body).toContain("data: [DONE]");
    });

    it("a client abort mid-stream cancels the upstream request", async () => {
      const { key } = await gw.liveKey();
      gw.mock.setStreaming({ chunks: 50, chunkDelayMs: 100 });
      const controller = new AbortController();
      const stream = await openai(door, key).chat.completions.create(
        { model: "gpt-5.2", messages: [{ role: "user", content: question }], stream: true },
        { signal: controller.signal },
      );
      let chunks = 0;
      try {
        for await (const _ of stream) if (++chunks === 2) controller.abort();
      } catch {
        // the SDK may end the loop or throw on abort; either way the client is gone
      }
      expect(chunks).toBe(2);
      const upstream = await gw.mock.waitFor((r) => r.aborted, 5_000);
      expect(upstream.completed).toBe(false);
    });

    it("a long stream read slowly arrives whole and in order", async () => {
      const { key } = await gw.liveKey();
      // 2,000 deltas of 1 KB: far more than a socket holds, so a slow reader makes the gateway wait.
      const deltas = Array.from({ length: 2_000 }, (_, i) => `${String(i).padStart(4, "0")}${"x".repeat(1020)}`);
      const base = { id: "chatcmpl-long", object: "chat.completion.chunk", created: 1, model: "gpt-5.2" };
      gw.mock.reply({
        frames: [
          ...deltas.map((content) => ({ data: { ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] } })),
          { data: "[DONE]" },
        ],
      });
      // Each wait for the reader must clean up after itself (Node warns past 10 listeners).
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
      process.on("warning", onWarning);
      const stream = await openai(door, key).chat.completions.create({
        model: "gpt-5.2",
        messages: [{ role: "user", content: "long" }],
        stream: true,
      });
      const got: string[] = [];
      try {
        for await (const chunk of stream) {
          got.push(chunk.choices[0]?.delta?.content ?? "");
          if (got.length % 200 === 0) await new Promise((r) => setTimeout(r, 50)); // a slow reader
        }
        await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      } finally {
        process.off("warning", onWarning);
      }
      expect(got.length).toBe(deltas.length);
      expect(got).toEqual(deltas);
      expect(gw.mock.requests[0].completed).toBe(true);
      expect(warnings.filter((w) => w.startsWith("MaxListenersExceededWarning"))).toEqual([]);
    });

    it("forwards embeddings", async () => {
      const { key } = await gw.liveKey();
      const res = await openai(door, key).embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"] });
      expect(res.data).toHaveLength(2);
      expect(res.data[0].embedding.length).toBeGreaterThan(0);
      expect(gw.mock.requests[0].path).toBe("/openai/v1/embeddings");
    });

    it("passes GET endpoints through (models)", async () => {
      const { key } = await gw.liveKey();
      const models = await openai(door, key).models.list();
      expect(models.data.length).toBeGreaterThan(0);
      expect(gw.mock.requests[0].method).toBe("GET");
    });

    it("relays provider errors unchanged, as the SDK's own error classes", async () => {
      const { key } = await gw.liveKey();
      gw.mock.fail({
        status: 429,
        body: { error: { message: "Provider says slow down", type: "requests", code: "rate_limit_exceeded" } },
        headers: { "retry-after": "7" },
      });
      const err = await openai(door, key)
        .chat.completions.create({ model: "gpt-5.2", messages: [{ role: "user", content: "hi" }] })
        .catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect(err.message).toContain("Provider says slow down");
      expect(err.headers.get("retry-after")).toBe("7");
    });
  });

  describe("gateway errors in the provider's shape", () => {
    const chat = { model: "gpt-5.2", messages: [{ role: "user" as const, content: "hi" }] };

    it("an invalid, mistyped or missing gateway key → 401 AuthenticationError", async () => {
      const { key } = await gw.liveKey();
      const typo = key.slice(0, -1) + (key.endsWith("A") ? "B" : "A");
      for (const bad of [typo, "ne_live_nope", "sk-not-ours"]) {
        const err = await openai(door, bad)
          .chat.completions.create(chat)
          .catch((e) => e);
        expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      }
      expect(gw.mock.requests).toHaveLength(0);
    });

    it("a revoked key → 401 that says so; other keys keep working", async () => {
      const a = await gw.liveKey();
      const b = await gw.liveKey();
      await revokeOwnerKey(a.caller, a.id);
      const err = await openai(door, a.key)
        .chat.completions.create(chat)
        .catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(err.message).toContain("revoked");
      await expect(openai(door, b.key).chat.completions.create(chat)).resolves.toBeTruthy();
    });

    it("a key without the proxy permission → 403", async () => {
      const { key } = await gw.liveKey(["keys:read"]);
      const err = await openai(door, key)
        .chat.completions.create(chat)
        .catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    });

    it("a live key without a provider key → 401 naming the missing header", async () => {
      const { key } = await gw.liveKey();
      const err = await openai(door, key, null)
        .chat.completions.create(chat)
        .catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(err.message).toContain("X-Provider-API-Key");
      expect(gw.mock.requests).toHaveLength(0);
    });

    it("an unknown provider → 404", async () => {
      const { key } = await gw.liveKey();
      const res = await raw(door, "POST", "/v1/nosuchai/chat/completions", { authorization: `Bearer ${key}` }, "{}");
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body).error.message).toContain("Unknown provider 'nosuchai'");
    });

    it("refuses path escapes without contacting anyone", async () => {
      const { key } = await gw.liveKey();
      const headers = { authorization: `Bearer ${key}`, "x-provider-api-key": PROVIDER_KEY };
      for (const path of [
        "/v1/openai/../admin",
        "/v1/openai/chat/../../secret",
        "/v1/openai/%2e%2e/admin",
        "/v1/openai/%2E%2E%2Fadmin",
        "/v1/openai/chat%2fcompletions",
        "/v1/openai//evil.example/x",
        "/v1/openai/..%5cadmin",
      ]) {
        const res = await raw(door, "POST", path, headers, "{}");
        expect([400, 404], path).toContain(res.status);
      }
      expect(gw.mock.requests).toHaveLength(0);
    });

    it("a body over the limit → 413", async () => {
      const { key } = await gw.liveKey();
      process.env.MAX_REQUEST_BODY_BYTES = "2048";
      resetEnv();
      try {
        const big = { model: "gpt-5.2", messages: [{ role: "user" as const, content: "x".repeat(4096) }] };
        const err = await openai(door, key)
          .chat.completions.create(big)
          .catch((e) => e);
        expect(err.status).toBe(413);
      } finally {
        delete process.env.MAX_REQUEST_BODY_BYTES;
        resetEnv();
      }
      expect(gw.mock.requests).toHaveLength(0);
    });

    it("a body that arrives in pieces, or all at once, reaches the provider byte for byte", async () => {
      const { key } = await gw.liveKey();
      const headers = { authorization: `Bearer ${key}`, "x-provider-api-key": PROVIDER_KEY, "content-type": "application/json" };
      // Unusual spacing and multi-byte characters, one cut in two between pieces: nothing may re-encode it.
      const text = `{ "model": "gpt-5.2",  "messages": [{"role":"user","content":"caf\\u00e9 ${"é".repeat(300)}"}] }`;
      const bytes = Buffer.from(text);
      const cut = bytes.indexOf(Buffer.from("é")) + 1;
      for (const pieces of [[bytes], [bytes.subarray(0, 20), bytes.subarray(20, cut), bytes.subarray(cut)]]) {
        gw.mock.reset();
        const res = await piecewise(door, "/v1/openai/chat/completions", headers, pieces);
        expect(res.status).toBe(200);
        if (door === "node") expect(res.headers.connection).toBe("keep-alive"); // read whole: reused
        expect(gw.mock.requests).toHaveLength(1);
        expect(gw.mock.requests[0].body).toBe(text);
      }
    });

    it("a body over the limit with no length declared → 413, whole or in pieces", async () => {
      const { key } = await gw.liveKey();
      const headers = { authorization: `Bearer ${key}`, "x-provider-api-key": PROVIDER_KEY, "content-type": "application/json" };
      process.env.MAX_REQUEST_BODY_BYTES = "2048";
      resetEnv();
      try {
        const big = JSON.stringify({ model: "gpt-5.2", messages: [{ role: "user", content: "x".repeat(4096) }] });
        for (const pieces of [[big], [big.slice(0, 1500), big.slice(1500, 3000), big.slice(3000)]]) {
          const res = await piecewise(door, "/v1/openai/chat/completions", headers, pieces);
          expect(res.status).toBe(413);
          expect(JSON.parse(res.body).error.message).toContain("2048 bytes");
          // The rest of the upload is not read to keep the connection: it closes after the answer.
          if (door === "node") expect(res.headers.connection).toBe("close");
        }
      } finally {
        delete process.env.MAX_REQUEST_BODY_BYTES;
        resetEnv();
      }
      expect(gw.mock.requests).toHaveLength(0);
    });

    it("never follows or relays a provider redirect", async () => {
      const { key } = await gw.liveKey();
      gw.mock.fail({ status: 307, headers: { location: "http://127.0.0.1:9/steal" } });
      const res = await raw(
        door,
        "POST",
        "/v1/openai/chat/completions",
        { authorization: `Bearer ${key}`, "x-provider-api-key": PROVIDER_KEY, "content-type": "application/json" },
        JSON.stringify(chat),
      );
      expect(res.status).toBe(502);
      expect(res.headers.location).toBeUndefined();
      expect(gw.mock.requests).toHaveLength(1);
    });

    it("an unreachable provider → 502, a silent one → 504", async () => {
      const { key } = await gw.liveKey();
      process.env.PROVIDER_OPENAI_BASE_URL = "http://127.0.0.1:1/v1"; // nothing listens on port 1
      resetEnv();
      try {
        const err = await openai(door, key)
          .chat.completions.create(chat)
          .catch((e) => e);
        expect(err).toBeInstanceOf(OpenAI.APIError);
        expect(err.status).toBe(502);
      } finally {
        process.env.PROVIDER_OPENAI_BASE_URL = gw.mock.baseUrls.openai;
        resetEnv();
      }
      process.env.UPSTREAM_TIMEOUT_MS = "300";
      resetEnv();
      try {
        gw.mock.hang();
        const err = await openai(door, key)
          .chat.completions.create(chat)
          .catch((e) => e);
        expect(err).toBeInstanceOf(OpenAI.APIError);
        expect(err.status).toBe(504);
      } finally {
        delete process.env.UPSTREAM_TIMEOUT_MS;
        resetEnv();
      }
    });
  });

  describe("Anthropic SDK", () => {
    it("sends messages with x-api-key and a default anthropic-version", async () => {
      const { key } = await gw.liveKey();
      const msg = await anthropic(door, key).messages.create({
        model: "claude-sonnet-5-5",
        max_tokens: 256,
        messages: [{ role: "user", content: question }],
      });
      expect(msg.content[0].type === "text" && msg.content[0].text).toBe(complete(question, 256).text);
      const got = gw.mock.requests[0];
      expect(got.path).toBe("/anthropic/v1/messages");
      expect(got.headers["x-api-key"]).toBe(ANTHROPIC_KEY);
      expect(got.headers["anthropic-version"]).toBeTruthy();
      expect(got.headers.authorization).toBeUndefined();
      expect(upstreamHeaderText()).not.toContain(key);
    });

    it("streams messages", async () => {
      const { key } = await gw.liveKey();
      const final = await anthropic(door, key)
        .messages.stream({ model: "claude-sonnet-5-5", max_tokens: 256, messages: [{ role: "user", content: question }] })
        .finalMessage();
      expect(final.usage.output_tokens).toBe(complete(question, 256).tokens);
    });

    it("accepts the curl form /v1/anthropic/messages", async () => {
      const { key } = await gw.liveKey();
      const res = await raw(
        door,
        "POST",
        "/v1/anthropic/messages",
        { authorization: `Bearer ${key}`, "x-provider-api-key": ANTHROPIC_KEY, "content-type": "application/json" },
        JSON.stringify({ model: "claude-sonnet-5-5", max_tokens: 64, messages: [{ role: "user", content: "hi" }] }),
      );
      expect(res.status).toBe(200);
      expect(gw.mock.requests[0].path).toBe("/anthropic/v1/messages");
    });

    it("raises AuthenticationError in Anthropic's error shape for a bad gateway key", async () => {
      const err = await anthropic(door, "ne_live_bad")
        .messages.create({ model: "claude-sonnet-5-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
        .catch((e) => e);
      expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(err.error).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    });
  });

  describe("Google Gen AI SDK", () => {
    it("generates content with x-goog-api-key upstream", async () => {
      const { key } = await gw.liveKey();
      const res = await gemini(door, key).models.generateContent({ model: "gemini-2.5-flash", contents: question });
      expect(res.text).toBeTruthy();
      expect(res.usageMetadata?.candidatesTokenCount).toBeGreaterThan(0);
      const got = gw.mock.requests[0];
      expect(got.path).toContain("/gemini/v1beta/models/gemini-2.5-flash:generateContent");
      expect(got.headers["x-goog-api-key"]).toBe(GOOGLE_KEY);
      expect(upstreamHeaderText()).not.toContain(key);
    });

    it("streams content", async () => {
      const { key } = await gw.liveKey();
      let text = "";
      for await (const chunk of await gemini(door, key).models.generateContentStream({
        model: "gemini-2.5-flash",
        contents: question,
      })) {
        text += chunk.text ?? "";
      }
      expect(text.length).toBeGreaterThan(0);
    });

    it("a model in the path that is not valid percent-encoding → 400 in Google's shape, nothing upstream", async () => {
      const { key } = await gw.liveKey();
      const headers = { "x-goog-api-key": key, "x-provider-api-key": GOOGLE_KEY, "content-type": "application/json" };
      const res = await raw(door, "POST", "/v1/google/v1beta/models/gemini%zz:generateContent", headers, "{}");
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
      expect(JSON.parse(res.body).error.message).toContain("'gemini%zz', is not valid percent-encoding");
      expect(gw.mock.requests).toHaveLength(0);
    });

    it("raises the SDK's ApiError with 401 for a bad gateway key", async () => {
      const err = await gemini(door, "ne_live_bad")
        .models.generateContent({ model: "gemini-2.5-flash", contents: "hi" })
        .catch((e) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(401);
    });
  });

  describe("test keys", () => {
    it("a model id in a path that is not valid percent-encoding → the simulator's 404, not a 500", async () => {
      const { key } = await gw.testKey();
      const res = await raw(door, "GET", "/v1/openai/models/gpt%zz", { authorization: `Bearer ${key}` });
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body).error).toMatchObject({ code: "model_not_found", message: "The model 'gpt%zz' does not exist" });
    });

    it("are answered by the simulator and never reach the provider, in every format", async () => {
      const { key } = await gw.testKey();
      const chat = await openai(door, key, null).chat.completions.create({
        model: "gpt-5.2",
        messages: [{ role: "user", content: question }],
      });
      expect(chat.choices[0].message.content).toBe(complete(question).text);
      const stream = await openai(door, key, null).chat.completions.create({
        model: "gpt-5.2",
        messages: [{ role: "user", content: question }],
        stream: true,
      });
      let text = "";
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? "";
      expect(text).toBe(complete(question).text);
      const emb = await openai(door, key, null).embeddings.create({ model: "text-embedding-3-small", input: "x" });
      expect(emb.data).toHaveLength(1);
      const msg = await new Anthropic({
        authToken: key,
        apiKey: null,
        baseURL: `${gw.urls[door]}/v1/anthropic`,
        maxRetries: 0,
      }).messages.create({ model: "claude-sonnet-5-5", max_tokens: 64, messages: [{ role: "user", content: question }] });
      expect(msg.usage.output_tokens).toBeGreaterThan(0);
      const g = await new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: `${gw.urls[door]}/v1/google` } }).models.generateContent({
        model: "gemini-2.5-flash",
        contents: question,
      });
      expect(g.text).toBeTruthy();
      expect(gw.mock.requests).toHaveLength(0);
    });
  });
});

describe("the hot path", () => {
  it("keeps last_used_at current with batched writes, not one per request", async () => {
    const { key, id, caller } = await gw.liveKey();
    const before = await getOwnerKey(caller, id);
    expect(before.last_used_at).toBeNull();
    await openai("node", key).chat.completions.create({ model: "gpt-5.2", messages: [{ role: "user", content: "hi" }] });
    expect((await getOwnerKey(caller, id)).last_used_at).toBeNull(); // not written on the request path
    await flushUsage();
    const after = await getOwnerKey(caller, id);
    expect(Date.parse(after.last_used_at!)).toBeGreaterThan(Date.now() - 10_000);
  });

  it("100 requests with one key cost exactly one bcrypt comparison", async () => {
    const { key } = await gw.liveKey();
    clearVerifierCache();
    const before = verifierStats().bcryptCompares;
    const client = openai("node", key);
    await Promise.all(
      Array.from({ length: 100 }, () => client.chat.completions.create({ model: "gpt-5.2", messages: [{ role: "user", content: "hi" }] })),
    );
    expect(verifierStats().bcryptCompares - before).toBe(1);
    expect(gw.mock.requests).toHaveLength(100);
  });
});
