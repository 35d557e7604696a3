// Gemini (Generative Language API) wire format: generateContent, streamGenerateContent,
// embedContent, batchEmbedContents, countTokens, models.
import { decodeComponent } from "@/lib/uri";
import { collectText, complete, countAll, countTokens, embed, splitDeltas } from "./text";
import { deltasPerChoice, embeddingDimensions, GEMINI, MAX_MODEL_CHARS, readCapped } from "./limits";
import { errorResult, isObject, json, notFound, randomId, readMaxTokens, sse } from "./respond";
import type { SimRequest, SimResult } from "./respond";

const MODELS = ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-embedding-001", "text-embedding-004"];

type Body = Record<string, unknown>;

const invalid = (message: string) => errorResult("gemini", 400, message);

export function simulateGemini(req: SimRequest): SimResult {
  const m = /^\/(?:v1beta|v1alpha|v1)\/models(?:\/([^/:]+))?(?::([A-Za-z]+))?$/.exec(req.path);
  if (!m) return notFound("gemini", req.method, req.path);
  const [, rawModel, action] = m;
  const model = rawModel ? decodeComponent(rawModel) : undefined;
  if (model === null) return invalid(`The model in the path, '${rawModel}', is not valid percent-encoding.`);
  // The model is echoed in every chunk: no real model has a longer name.
  if (model && model.length > MAX_MODEL_CHARS) return invalid(`* The model name must be at most ${MAX_MODEL_CHARS} characters.`);

  if (req.method === "GET" && !action) {
    if (!model) return json("gemini", { models: MODELS.map(modelObject) });
    return MODELS.includes(model)
      ? json("gemini", modelObject(model))
      : errorResult("gemini", 404, `models/${model} is not found for API version v1beta.`);
  }
  // Own properties only: ":constructor" must be a 404, not Object.prototype.constructor.
  const handler = action && Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
  if (req.method !== "POST" || !model || !handler) return notFound("gemini", req.method, req.path);
  if (!isObject(req.body)) return invalid("Invalid JSON payload received.");
  return handler(req.body, model, req);
}

const ACTIONS: Record<string, (body: Body, model: string, req: SimRequest) => SimResult> = {
  generateContent: (body, model, req) => generate(body, model, req, false),
  streamGenerateContent: (body, model, req) => generate(body, model, req, true),
  countTokens: countPrompt,
  embedContent,
  batchEmbedContents,
};

function modelObject(id: string) {
  const embedding = id.includes("embedding");
  return {
    name: `models/${id}`,
    version: "001",
    displayName: id,
    inputTokenLimit: embedding ? 2048 : 1_048_576,
    outputTokenLimit: embedding ? 1 : 65_536,
    supportedGenerationMethods: embedding
      ? ["embedContent", "batchEmbedContents", "countTokens"]
      : ["generateContent", "streamGenerateContent", "countTokens"],
  };
}

function promptTokens(body: Body): number {
  return countAll([...collectText(body.systemInstruction), ...collectText(body.contents)]);
}

function generate(body: Body, model: string, req: SimRequest, stream: boolean): SimResult {
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) {
    return invalid("* GenerateContentRequest.contents: contents is not specified");
  }
  const config = isObject(body.generationConfig) ? body.generationConfig : {};
  const maxTokens = readCapped(config.maxOutputTokens, GEMINI.maxOutputTokens);
  if (maxTokens === "invalid") return invalid("* GenerateContentRequest.generation_config.max_output_tokens: must be positive");
  if (maxTokens === "too_large") {
    return invalid(
      `Unable to submit request because it has a maxOutputTokens value of ${String(config.maxOutputTokens)} but the supported range is from 1 (inclusive) to ${GEMINI.maxOutputTokens + 1} (exclusive). Update the value and try again.`,
    );
  }
  const count = readCapped(config.candidateCount, GEMINI.maxCandidates);
  if (count === "invalid" || count === "too_large") {
    return invalid(
      `* GenerateContentRequest.generation_config.candidate_count: candidateCount must be between 1 and ${GEMINI.maxCandidates}`,
    );
  }
  const candidates = count ?? 1;

  const prompt = promptTokens(body);
  const lastUser = contents.findLast((c) => isObject(c) && (c.role ?? "user") === "user") ?? contents.at(-1);
  // Every candidate gets the same deterministic answer; usage counts each of them.
  const answer = complete(collectText(lastUser).join(" "), maxTokens);
  const finishReason = answer.finish === "length" ? "MAX_TOKENS" : "STOP";
  const responseId = randomId(22);
  // Usage on a chunk is the running total so far, as the real API and the SDK's merge expect.
  const chunk = (text: string, soFar: number, finish?: string) => ({
    candidates: Array.from({ length: candidates }, (_, index) => ({
      content: { parts: [{ text }], role: "model" },
      ...(finish ? { finishReason: finish } : {}),
      index,
    })),
    usageMetadata: {
      promptTokenCount: prompt,
      candidatesTokenCount: soFar * candidates,
      totalTokenCount: prompt + soFar * candidates,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }],
    },
    modelVersion: model,
    responseId,
  });

  if (!stream) return json("gemini", chunk(answer.text, answer.tokens, finishReason));

  const deltas = splitDeltas(answer.text, deltasPerChoice(req.chunks, candidates));
  let text = "";
  const chunks = deltas.map((delta, i) => {
    text += delta;
    return chunk(delta, countTokens(text), i === deltas.length - 1 ? finishReason : undefined);
  });
  // Without alt=sse the API streams one JSON array instead of events.
  if (!new URLSearchParams(req.search).getAll("alt").includes("sse")) return json("gemini", chunks);
  return sse(
    "gemini",
    chunks.map((data) => ({ data, paced: true })),
  );
}

function countPrompt(body: Body): SimResult {
  // Accepts both {contents} and {generateContentRequest: {...}}.
  const request = isObject(body.generateContentRequest) ? body.generateContentRequest : body;
  if (!Array.isArray(request.contents)) return invalid("* CountTokensRequest.contents: contents is not specified");
  const totalTokens = promptTokens(request);
  return json("gemini", { totalTokens, promptTokensDetails: [{ modality: "TEXT", tokenCount: totalTokens }] });
}

function vectorFor(request: Body, model: string, count: number): { values: number[] } | string {
  if (!isObject(request.content)) return "* EmbedContentRequest.content: content is not specified";
  const full = model.includes("gemini-embedding") ? 3072 : 768;
  const dims = readMaxTokens(request.outputDimensionality);
  if (dims === "invalid" || (dims ?? 0) > full) {
    return `* EmbedContentRequest.output_dimensionality: must be between 1 and ${full}`;
  }
  // Beyond the output budget a large batch gets shorter vectors, as outputDimensionality would give.
  const dimensions = embeddingDimensions(dims ?? full, count, "float");
  return { values: embed(collectText(request.content).join(" "), dimensions) };
}

function embedContent(body: Body, model: string): SimResult {
  const embedding = vectorFor(body, model, 1);
  return typeof embedding === "string" ? invalid(embedding) : json("gemini", { embedding });
}

function batchEmbedContents(body: Body, model: string): SimResult {
  if (!Array.isArray(body.requests) || body.requests.length === 0) {
    return invalid("* BatchEmbedContentsRequest.requests: requests is not specified");
  }
  if (body.requests.length > GEMINI.maxBatchRequests) {
    return invalid(`* BatchEmbedContentsRequest.requests: at most ${GEMINI.maxBatchRequests} requests can be in one batch`);
  }
  const embeddings = [];
  for (const r of body.requests) {
    const e = vectorFor(isObject(r) ? r : {}, model, body.requests.length);
    if (typeof e === "string") return invalid(e);
    embeddings.push(e);
  }
  return json("gemini", { embeddings });
}
