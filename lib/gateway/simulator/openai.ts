// OpenAI wire format: chat completions, responses, embeddings, models.
import { decodeComponent } from "@/lib/uri";
import { collectText, complete, countAll, countTokens, embed, float32Base64, splitDeltas } from "./text";
import { errorResult, isObject, json, notFound, randomId, readMaxTokens, sse, unixSeconds } from "./respond";
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
const FINGERPRINT = "fp_neuronedge_sim";

type Body = Record<string, unknown>;

const missing = (param: string) =>
  errorResult("openai", 400, `Missing required parameter: '${param}'.`, { param, code: "missing_required_parameter" });
const invalid = (param: string, message: string) =>
  errorResult("openai", 400, message, { param, code: "invalid_value" });

export function simulateOpenAI(req: SimRequest): SimResult {
  const path = req.path.replace(/^\/v1(?=\/)/, "");
  const route = `${req.method} ${path}`;
  if (route === "GET /models") return json("openai", { object: "list", data: MODELS.map(modelObject) });
  const model = /^GET \/models\/([^/]+)$/.exec(route);
  if (model) {
    const id = decodeComponent(model[1]) ?? model[1];
    return MODELS.includes(id)
      ? json("openai", modelObject(id))
      : errorResult("openai", 404, `The model '${id}' does not exist`, { param: "model", code: "model_not_found" });
  }
  const handler = Object.hasOwn(POST_ROUTES, path) ? POST_ROUTES[path] : undefined;
  if (req.method !== "POST" || !handler) return notFound("openai", req.method, req.path);
  if (!isObject(req.body)) return errorResult("openai", 400, "We could not parse the JSON body of your request.");
  if (typeof req.body.model !== "string" || !req.body.model) return missing("model");
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
  const maxTokens = readMaxTokens(body.max_completion_tokens ?? body.max_tokens);
  if (maxTokens === "invalid") return invalid("max_tokens", "max_tokens must be a positive integer.");

  const promptTokens = countAll(collectText(messages.map((m) => (isObject(m) ? m.content : undefined))));
  const lastUser = [...messages].reverse().find((m) => isObject(m) && m.role === "user") ?? messages.at(-1);
  const answer = complete(collectText(isObject(lastUser) ? lastUser.content : lastUser).join(" "), maxTokens);
  const base = { id: `chatcmpl-${randomId(29)}`, created: unixSeconds(), model: body.model as string };
  const usage = usageOf(promptTokens, answer.tokens);

  if (body.stream !== true) {
    return json("openai", {
      ...base,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: answer.text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: answer.finish,
        },
      ],
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
  const choice = (delta: Body, finish: string | null = null) => ({ index: 0, delta, logprobs: null, finish_reason: finish });
  const frames: SseFrame[] = [
    { data: chunk([choice({ role: "assistant", content: "", refusal: null })]) },
    ...splitDeltas(answer.text, req.chunks).map((content) => ({ data: chunk([choice({ content })]), paced: true })),
    { data: chunk([choice({}, answer.finish)]) },
  ];
  if (includeUsage) frames.push({ data: chunk([], { usage }) });
  frames.push({ data: "[DONE]" });
  return sse("openai", frames);
}

function responses(body: Body, req: SimRequest): SimResult {
  const input = body.input;
  if (typeof input !== "string" && !Array.isArray(input)) return missing("input");
  const maxTokens = readMaxTokens(body.max_output_tokens);
  if (maxTokens === "invalid") return invalid("max_output_tokens", "max_output_tokens must be a positive integer.");

  const items = typeof input === "string" ? [{ role: "user", content: input }] : input;
  const instructions = typeof body.instructions === "string" ? body.instructions : null;
  const promptTokens =
    countAll(collectText(items.map((m) => (isObject(m) ? (m.content ?? m.text) : m)))) +
    (instructions ? countTokens(instructions) : 0);
  const lastUser = [...items].reverse().find((m) => isObject(m) && m.role === "user") ?? items.at(-1);
  const answer = complete(collectText(isObject(lastUser) ? lastUser.content : lastUser).join(" "), maxTokens);

  const createdAt = unixSeconds();
  const responseId = randomId(48);
  const itemId = `msg_${randomId(48)}`;
  const part = (text: string) => ({ type: "output_text", text, annotations: [], logprobs: [] });
  const message = (status: string, content: unknown[]) => ({ id: itemId, type: "message", status, role: "assistant", content });
  const incomplete = answer.finish === "length";
  const response = (status: string, output: unknown[], usage: unknown) => ({
    id: `resp_${responseId}`,
    object: "response",
    created_at: createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions,
    max_output_tokens: maxTokens ?? null,
    model: body.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: "default",
    store: body.store !== false,
    temperature: typeof body.temperature === "number" ? body.temperature : 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: typeof body.top_p === "number" ? body.top_p : 1,
    truncation: "disabled",
    usage,
    user: null,
    metadata: isObject(body.metadata) ? body.metadata : {},
  });
  const finalStatus = incomplete ? "incomplete" : "completed";
  const usage = {
    input_tokens: promptTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: answer.tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: promptTokens + answer.tokens,
  };
  const finalMessage = message(incomplete ? "incomplete" : "completed", [part(answer.text)]);
  const done = response(finalStatus, [finalMessage], usage);

  if (body.stream !== true) return json("openai", { ...done, output_text: answer.text });

  const at = { item_id: itemId, output_index: 0, content_index: 0 };
  const events: Array<[string, Body, boolean?]> = [
    ["response.created", { response: response("in_progress", [], null) }],
    ["response.in_progress", { response: response("in_progress", [], null) }],
    ["response.output_item.added", { output_index: 0, item: message("in_progress", []) }],
    ["response.content_part.added", { ...at, part: part("") }],
    ...splitDeltas(answer.text, req.chunks).map(
      (delta): [string, Body, boolean] => ["response.output_text.delta", { ...at, delta, logprobs: [] }, true],
    ),
    ["response.output_text.done", { ...at, text: answer.text, logprobs: [] }],
    ["response.content_part.done", { ...at, part: part(answer.text) }],
    ["response.output_item.done", { output_index: 0, item: finalMessage }],
    [`response.${finalStatus}`, { response: done }],
  ];
  const frames = events.map(([type, fields, paced], sequence_number) => ({
    event: type,
    data: { type, sequence_number, ...fields },
    paced,
  }));
  return sse("openai", frames);
}

function embeddings(body: Body): SimResult {
  const input = body.input;
  const inputs: unknown[] = Array.isArray(input) && input.length > 0 && typeof input[0] !== "number" ? input : [input];
  const valid = inputs.every(
    (x) => typeof x === "string" || (Array.isArray(x) && x.length > 0 && x.every((n) => Number.isInteger(n))),
  );
  if (input === undefined) return missing("input");
  if (!valid || inputs.length === 0) return invalid("input", "'input' must be a string, an array of strings, or token arrays.");
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") {
    return invalid("encoding_format", "'encoding_format' must be 'float' or 'base64'.");
  }
  // Like the real models, `dimensions` may shorten the vector but never lengthen it.
  const full = String(body.model).includes("large") ? 3072 : 1536;
  const dims = readMaxTokens(body.dimensions);
  if (dims === "invalid" || (dims ?? 0) > full) {
    return invalid("dimensions", `'dimensions' must be an integer between 1 and ${full}.`);
  }
  const dimensions = dims ?? full;

  let promptTokens = 0;
  const data = inputs.map((x, index) => {
    // Token arrays are already tokens: count their length, embed their digits.
    const text = typeof x === "string" ? x : (x as number[]).join(" ");
    promptTokens += typeof x === "string" ? countTokens(x) : (x as number[]).length;
    const vector = embed(text, dimensions);
    return { object: "embedding", index, embedding: format === "base64" ? float32Base64(vector) : vector };
  });
  return json("openai", {
    object: "list",
    data,
    model: body.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}
