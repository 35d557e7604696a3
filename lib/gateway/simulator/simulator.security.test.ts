// Issue 16 item 2: a test key's request can never make the simulator build an unbounded answer.
// Every cap answers 400 just over it, in the provider's own error shape, naming the parameter and
// the cap; at the cap the answer is 200 and stays within a few MB, whatever else it asks for.
import { describe, expect, it } from "vitest";
import { encodeFrame, simulateResult } from "./index";
import type { SimResult, SimulatorFormat } from "./index";
import { MAX_BODY_DEPTH, MAX_STREAM_FRAMES } from "./limits";
import { collectText, countTokens } from "./text";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
// biome-ignore lint/suspicious/noExplicitAny: answers of three wire formats, read loosely
type Json = any;

const BOUND = 4 * 1024 * 1024;

const run = (format: SimulatorFormat, path: string, body: unknown, extra: { search?: string; chunks?: number } = {}) =>
  simulateResult({ format, method: "POST", path, search: extra.search ?? "", body, chunks: extra.chunks });

/** The bytes a client would receive. */
const size = (r: SimResult) =>
  r.body !== undefined ? Buffer.byteLength(r.body) : r.frames.reduce((n, f) => n + Buffer.byteLength(encodeFrame(f)), 0);

const parse = (r: SimResult): Json => JSON.parse(r.body ?? "null");

/** A 400 in `format`'s own error shape whose message matches every pattern. */
function expectRefusal(r: SimResult, format: SimulatorFormat, patterns: RegExp[], param?: string) {
  expect(r.status).toBe(400);
  const body = parse(r);
  if (format === "openai") {
    const detail = param === undefined ? { param: null, code: null } : { param, code: expect.any(String) };
    expect(body).toEqual({ error: { message: expect.any(String), type: "invalid_request_error", ...detail } });
  } else if (format === "anthropic") {
    expect(body).toEqual({ type: "error", error: { type: "invalid_request_error", message: expect.any(String) } });
  } else {
    expect(body).toEqual({ error: { code: 400, message: expect.any(String), status: "INVALID_ARGUMENT" } });
  }
  for (const p of patterns) expect(body.error.message).toMatch(p);
}

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" ");
const CHAT = "/v1/chat/completions";
const chat = (extra: object) => ({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello there" }], ...extra });
const GEN = "/v1beta/models/gemini-2.5-flash:generateContent";
const STREAM_GEN = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
const gen = (config: object) => ({ contents: [{ role: "user", parts: [{ text: "Hello there" }] }], generationConfig: config });

describe("OpenAI embeddings", () => {
  const embed = (input: unknown, extra: object = {}) =>
    run("openai", "/v1/embeddings", { model: "text-embedding-3-large", input, ...extra });

  it("the issue's request, 10,000 copies of 'a', is a small 400 naming 'input' and 2048", () => {
    const r = embed(Array(10_000).fill("a"));
    expectRefusal(r, "openai", [/'input'/, /2048/, /10000/], "input");
    expect(size(r)).toBeLessThan(1024);
  });

  it("2,049 inputs: 400; 2,048 at the largest dimensions: 200 within a few MB, as floats or base64", () => {
    expectRefusal(embed(Array(2049).fill("a")), "openai", [/'input'/, /2048/], "input");
    for (const encoding_format of ["float", "base64"]) {
      const r = embed(
        Array.from({ length: 2048 }, (_, i) => `text ${i}`),
        { encoding_format },
      );
      expect(r.status).toBe(200);
      expect(size(r)).toBeLessThan(BOUND);
      const body = parse(r);
      expect(body.data).toHaveLength(2048);
      expect(body.data[2047].index).toBe(2047);
      expect(body.usage.prompt_tokens).toBe(2048 * 2);
    }
  });

  it("a small batch still gets the model's full vectors", () => {
    const body = parse(embed(["alpha", "beta"]));
    expect(body.data.map((d: Json) => d.embedding.length)).toEqual([3072, 3072]);
  });

  it("each input is at most 8,192 tokens, as a string or a token array", () => {
    expectRefusal(embed([words(8193)]), "openai", [/'input\[0\]'/, /8192/], "input");
    expectRefusal(embed(["ok", Array(8193).fill(7)]), "openai", [/'input\[1\]'/, /8192/], "input");
    expect(embed([words(8192)]).status).toBe(200);
    expect(parse(embed([Array(8192).fill(7)])).usage.prompt_tokens).toBe(8192);
  });

  it("a request is at most 300,000 tokens across its inputs", () => {
    const r = embed(Array(37).fill(Array(8192).fill(1)));
    expectRefusal(r, "openai", [/'input'/, /300000/], "input");
  });
});

describe("OpenAI chat completions", () => {
  it("n over 128: 400 naming 'n' and 128; n below 1: 400", () => {
    expectRefusal(run("openai", CHAT, chat({ n: 129 })), "openai", [/'n'/, /128/, /129/], "n");
    expectRefusal(run("openai", CHAT, chat({ n: 0 })), "openai", [/'n'/], "n");
    expectRefusal(run("openai", CHAT, chat({ n: 1.5 })), "openai", [/'n'/], "n");
  });

  it("max_tokens and max_completion_tokens over 128,000: 400 naming the parameter given", () => {
    expectRefusal(run("openai", CHAT, chat({ max_tokens: 128_001 })), "openai", [/max_tokens/, /128000/], "max_tokens");
    expectRefusal(
      run("openai", CHAT, chat({ max_completion_tokens: 128_001 })),
      "openai",
      [/max_completion_tokens/, /128000/],
      "max_completion_tokens",
    );
  });

  it("n = 128 at 128,000 max tokens: 128 choices within a few MB, usage counting each", () => {
    const r = run("openai", CHAT, chat({ n: 128, max_tokens: 128_000 }));
    expect(r.status).toBe(200);
    expect(size(r)).toBeLessThan(BOUND);
    const body = parse(r);
    expect(body.choices.map((c: Json) => c.index)).toEqual([...Array(128).keys()]);
    const one = parse(run("openai", CHAT, chat({ max_tokens: 128_000 })));
    expect(body.usage.completion_tokens).toBe(128 * one.usage.completion_tokens);
  });

  it("streamed, n = 128 with any number of chunks: bounded frames, every choice complete", () => {
    const r = run("openai", CHAT, chat({ n: 128, max_tokens: 128_000, stream: true, model: "m".repeat(256) }), { chunks: 1e9 });
    expect(r.status).toBe(200);
    expect(r.frames!.length).toBeLessThanOrEqual(MAX_STREAM_FRAMES + 2 * 128 + 2);
    expect(size(r)).toBeLessThan(BOUND);
    const chunks = r.frames!.slice(0, -1).map((f) => f.data as Json);
    const one = parse(run("openai", CHAT, chat({}))).choices[0].message.content;
    for (const index of [0, 127]) {
      const mine = chunks.filter((c) => c.choices[0]?.index === index);
      expect(mine.map((c) => c.choices[0].delta.content ?? "").join("")).toBe(one);
      expect(mine.at(-1).choices[0].finish_reason).toBe("stop");
    }
  });

  it("a model name over 256 characters: 400 naming 'model'; 256: 200", () => {
    expectRefusal(run("openai", CHAT, chat({ model: "m".repeat(257) })), "openai", [/'model'/, /256/], "model");
    expect(run("openai", CHAT, chat({ model: "m".repeat(256) })).status).toBe(200);
  });

  it("a prompt that is one 5 MB word is counted exactly and gets an answer of ordinary size", () => {
    expect(countTokens("x".repeat(5_000_001))).toBe(Math.ceil(5_000_001 / 6));
    expect(countTokens("𝒳".repeat(601))).toBe(101);
    const r = run("openai", CHAT, chat({ messages: [{ role: "user", content: "x".repeat(5_000_000) }] }));
    expect(r.status).toBe(200);
    expect(size(r)).toBeLessThan(4096);
    // The answer quotes at most a short head of the prompt.
    expect(parse(r).choices[0].message.content).toMatch(/^This is a simulated response from NeuronEdge to: "x{120}…"\./);
    const streamed = run("openai", CHAT, chat({ stream: true, messages: [{ role: "user", content: "x".repeat(5_000_000) }] }), {
      chunks: 1e6,
    });
    expect(size(streamed)).toBeLessThan(64 * 1024);
  });
});

describe("OpenAI responses", () => {
  const respond = (extra: object) => run("openai", "/v1/responses", { model: "gpt-4o-mini", input: "Hello there", ...extra });

  it("max_output_tokens over 128,000: 400 naming it; at the cap: 200", () => {
    expectRefusal(respond({ max_output_tokens: 128_001 }), "openai", [/max_output_tokens/, /128000/], "max_output_tokens");
    expect(respond({ max_output_tokens: 128_000 }).status).toBe(200);
  });

  it("instructions, echoed in several events, are at most 256,000 characters", () => {
    expectRefusal(respond({ instructions: "i".repeat(256_001) }), "openai", [/'instructions'/, /256000/], "instructions");
    const r = respond({ instructions: "i".repeat(256_000), stream: true, metadata: { k: "v".repeat(512) } });
    expect(r.status).toBe(200);
    expect(size(r)).toBeLessThan(BOUND);
  });

  it("metadata: at most 16 pairs, keys of 64 and string values of 512 characters", () => {
    const pairs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));
    expectRefusal(respond({ metadata: pairs(17) }), "openai", [/'metadata'/, /16/], "metadata");
    expect(respond({ metadata: pairs(16) }).status).toBe(200);
    expectRefusal(respond({ metadata: { ["k".repeat(65)]: "v" } }), "openai", [/'metadata'/, /64/], "metadata");
    expectRefusal(respond({ metadata: { k: "v".repeat(513) } }), "openai", [/'metadata\.k'/, /512/], "metadata.k");
    expectRefusal(respond({ metadata: { k: { deep: 1 } } }), "openai", [/'metadata'/], "metadata.k");
  });
});

describe("Anthropic messages", () => {
  const messages = (extra: object) =>
    run("anthropic", "/v1/messages", {
      model: "claude-haiku-4-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "Hello" }],
      ...extra,
    });

  it("max_tokens over 128,000: 400 naming it; at the cap, streamed with any chunks: 200 within bounds", () => {
    expectRefusal(messages({ max_tokens: 128_001 }), "anthropic", [/max_tokens/, /128000/]);
    const r = run(
      "anthropic",
      "/v1/messages",
      { model: "claude-haiku-4-5", max_tokens: 128_000, stream: true, messages: [{ role: "user", content: "Hi" }] },
      { chunks: 1e9 },
    );
    expect(r.status).toBe(200);
    expect(r.frames!.length).toBeLessThan(300);
    expect(size(r)).toBeLessThan(64 * 1024);
  });

  it("a model name over 256 characters: 400 naming model", () => {
    expectRefusal(messages({ model: "m".repeat(257) }), "anthropic", [/model/, /256/]);
    expect(messages({ model: "m".repeat(256) }).status).toBe(200);
  });
});

describe("Gemini", () => {
  it("maxOutputTokens over 65,536: 400 naming it", () => {
    expectRefusal(run("gemini", GEN, gen({ maxOutputTokens: 65_537 })), "gemini", [/maxOutputTokens/, /65537/]);
    expect(run("gemini", GEN, gen({ maxOutputTokens: 65_536 })).status).toBe(200);
  });

  it("candidateCount outside 1 to 8: 400 naming it; 8, streamed with any chunks: 8 candidates within bounds", () => {
    expectRefusal(run("gemini", GEN, gen({ candidateCount: 9 })), "gemini", [/candidateCount/, /8/]);
    expectRefusal(run("gemini", GEN, gen({ candidateCount: 0 })), "gemini", [/candidateCount/]);
    const one = parse(run("gemini", GEN, gen({})));
    const eight = parse(run("gemini", GEN, gen({ candidateCount: 8, maxOutputTokens: 65_536 })));
    expect(eight.candidates.map((c: Json) => c.index)).toEqual([...Array(8).keys()]);
    expect(eight.usageMetadata.candidatesTokenCount).toBe(8 * one.usageMetadata.candidatesTokenCount);
    for (const search of ["?alt=sse", ""]) {
      const r = run("gemini", STREAM_GEN, gen({ candidateCount: 8, maxOutputTokens: 65_536 }), { search, chunks: 1e9 });
      expect(r.status).toBe(200);
      expect(size(r)).toBeLessThan(BOUND);
    }
  });

  it("a model name over 256 characters: 400", () => {
    expectRefusal(run("gemini", `/v1beta/models/${"m".repeat(257)}:generateContent`, gen({})), "gemini", [/model/, /256/]);
  });

  it("batchEmbedContents: 101 requests: 400 naming requests and 100; 100 at 3,072 dimensions: 200 within a few MB", () => {
    const path = "/v1beta/models/gemini-embedding-001:batchEmbedContents";
    const requests = (n: number) => Array.from({ length: n }, (_, i) => ({ content: { parts: [{ text: `t${i}` }] } }));
    expectRefusal(run("gemini", path, { requests: requests(101) }), "gemini", [/requests/, /100/]);
    const r = run("gemini", path, { requests: requests(100) });
    expect(r.status).toBe(200);
    expect(size(r)).toBeLessThan(BOUND);
    expect(parse(r).embeddings).toHaveLength(100);
    expect(parse(run("gemini", path, { requests: requests(2) })).embeddings[0].values).toHaveLength(3072);
  });
});

describe("bodies nested deep", () => {
  const nest = (depth: number) => JSON.parse("[".repeat(depth) + "]".repeat(depth));
  const cases: Array<[SimulatorFormat, string, (deep: unknown) => object]> = [
    ["openai", CHAT, (deep) => chat({ stream: true, messages: [{ role: "user", content: deep }] })],
    ["openai", "/v1/responses", (deep) => ({ model: "gpt-4o-mini", input: [{ role: "user", content: deep }] })],
    ["openai", "/v1/embeddings", (deep) => ({ model: "text-embedding-3-small", input: "x", user: deep })],
    ["anthropic", "/v1/messages", (deep) => ({ model: "claude-haiku-4-5", max_tokens: 5, messages: [{ role: "user", content: deep }] })],
    ["anthropic", "/v1/messages/count_tokens", (deep) => ({ model: "claude-haiku-4-5", messages: [{ role: "user", content: deep }] })],
    ["gemini", GEN, (deep) => ({ contents: [{ role: "user", parts: deep }] })],
    ["gemini", "/v1beta/models/gemini-2.5-flash:countTokens", (deep) => ({ contents: [{ parts: deep }] })],
  ];

  it.each(cases)("%s %s: 10,000 levels → 400 in the provider's shape, never a 500 or a throw", (format, path, body) => {
    const r = run(format, path, body(nest(10_000)));
    expectRefusal(r, format, [/nested too deeply/, new RegExp(String(MAX_BODY_DEPTH))]);
  });

  it("a body exactly at the depth bound is answered", () => {
    // The body object and its messages array, message and content take four levels of the bound.
    const r = run("openai", CHAT, chat({ messages: [{ role: "user", content: nest(MAX_BODY_DEPTH - 3) }] }));
    expect(r.status).toBe(200);
    expect(run("openai", CHAT, chat({ messages: [{ role: "user", content: nest(MAX_BODY_DEPTH - 2) }] })).status).toBe(400);
  });

  it("collectText stops at its own depth bound rather than overflowing the stack", () => {
    let deep: unknown = "bottom";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => collectText(deep)).not.toThrow();
    expect(collectText([["a"], "b"])).toEqual(["a", "b"]);
  });
});
