// OpenAI wire format: chat completions, models, and the routes to responses and embeddings.
import { decodeComponent } from "@/lib/uri";
import { deltasPerChoice, MAX_MODEL_CHARS } from "./limits";
import { embeddings } from "./openai-embeddings";
import { isResult, missing, readChoices, readOutputTokens, stringTooLong } from "./openai-common";
import type { Body } from "./openai-common";
import { responses } from "./openai-responses";
import { collectText, complete, countAll, splitDeltas } from "./text";
import { errorResult, isObject, json, notFound, randomId, sse, unixSeconds } from "./respond";
import type { SimRequest, SimResult } from "./respond";
import type { SseFrame } from "./sse";

const MODELS = [
  "gpt-5",
  "gpt-5-mini",
  "gpt-4o",
  "gpt-4o-mini",
  "gpt-4.1",
  "gpt-4.1-mini",
  "o4-mini",
  "text-embedding-3-small",
  "text-embedding-3-large",
];
export const FINGERPRINT = "fp_neuronedge_sim";

export function simulateOpenAI(req: SimRequest): SimResult {
  const path = req.path.replace(/^\/v1(?=\/)/, "");
  const route = `${req.method} ${path}`;
  if (route === "GET /models") return json("openai", { object: "list", data: MODELS.map(modelObject) });
  const model = /^GET \/models\/([^/]+)$/.exec(route);
  if (model) {
    const id = decodeComponent(model[1]) ?? model[1];
    return MODELS.includes(id)
      ? json("openai", modelObject(id))
      : errorResult("openai", 404, `The model '${id.slice(0, MAX_MODEL_CHARS)}' does not exist`, {
          param: "model",
          code: "model_not_found",
        });
  }
  const handler = Object.hasOwn(POST_ROUTES, path) ? POST_ROUTES[path] : undefined;
  if (req.method !== "POST" || !handler) return notFound("openai", req.method, req.path);
  if (!isObject(req.body)) return errorResult("openai", 400, "We could not parse the JSON body of your request.");
  if (typeof req.body.model !== "string" || !req.body.model) return missing("model");
  // The model is echoed in every chunk: no real model has a longer name.
  if (req.body.model.length > MAX_MODEL_CHARS) return stringTooLong("model", MAX_MODEL_CHARS, req.body.model.length);
  return handler(req.body, req);
}

const POST_ROUTES: Record<string, (body: Body, req: SimRequest) => SimResult> = {
  "/chat/completions": chat,
  "/responses": responses,
  "/embeddings": embeddings,
};

function modelObject(id: string) {
  return { id, object: "model", created: 1_700_000_000, owned_by: "neuronedge-simulator" };
}

function usageOf(prompt: number, completion: number) {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function chat(body: Body, req: SimRequest): SimResult {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return missing("messages");
  const maxParam = body.max_completion_tokens !== undefined && body.max_completion_tokens !== null ? "max_completion_tokens" : "max_tokens";
  const maxTokens = readOutputTokens(body, maxParam);
  if (isResult(maxTokens)) return maxTokens;
  const n = readChoices(body);
  if (isResult(n)) return n;

  const promptTokens = countAll(collectText(messages.map((m) => (isObject(m) ? m.content : undefined))));
  const lastUser = messages.findLast((m) => isObject(m) && m.role === "user") ?? messages.at(-1);
  // Every choice gets the same deterministic answer; usage counts each of them.
  const answer = complete(collectText(isObject(lastUser) ? lastUser.content : lastUser).join(" "), maxTokens);
  const base = { id: `chatcmpl-${randomId(29)}`, created: unixSeconds(), model: body.model as string };
  const usage = usageOf(promptTokens, answer.tokens * n);
  const indexes = Array.from({ length: n }, (_, index) => index);

  if (body.stream !== true) {
    return json("openai", {
      ...base,
      object: "chat.completion",
      choices: indexes.map((index) => ({
        index,
        message: { role: "assistant", content: answer.text, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: answer.finish,
      })),
      usage,
      service_tier: "default",
      system_fingerprint: FINGERPRINT,
    });
  }

  // With include_usage the real API sends `usage: null` on every chunk and one usage-only chunk at the end.
  const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
  const chunk = (choices: unknown[], extra: Body = {}): SseFrame["data"] => ({
    ...base,
    object: "chat.completion.chunk",
    service_tier: "default",
    system_fingerprint: FINGERPRINT,
    choices,
    ...(includeUsage ? { usage: null } : {}),
    ...extra,
  });
  // One choice per chunk, as the real API streams several choices; a round of them is paced once.
  const each = (delta: Body, finish: string | null = null, paced = false): SseFrame[] =>
    indexes.map((index) => ({ data: chunk([{ index, delta, logprobs: null, finish_reason: finish }]), paced: paced && index === 0 }));
  const frames: SseFrame[] = [
    ...each({ role: "assistant", content: "", refusal: null }),
    ...splitDeltas(answer.text, deltasPerChoice(req.chunks, n)).flatMap((content) => each({ content }, null, true)),
    ...each({}, answer.finish),
  ];
  if (includeUsage) frames.push({ data: chunk([], { usage }) });
  frames.push({ data: "[DONE]" });
  return sse("openai", frames);
}
