// OpenAI Responses API: JSON and SSE, with the lifecycle events the SDK expects.
import { OPENAI } from "./limits";
import { checkMetadata, isResult, missing, readOutputTokens, stringTooLong } from "./openai-common";
import type { Body } from "./openai-common";
import { isObject, json, randomId, sse, unixSeconds } from "./respond";
import type { SimRequest, SimResult } from "./respond";
import { collectText, complete, countAll, countTokens, splitDeltas } from "./text";

export function responses(body: Body, req: SimRequest): SimResult {
  const input = body.input;
  if (typeof input !== "string" && !Array.isArray(input)) return missing("input");
  const maxTokens = readOutputTokens(body, "max_output_tokens");
  if (isResult(maxTokens)) return maxTokens;
  // Instructions and metadata are echoed in several events: capped as OpenAI caps them for assistants and metadata.
  if (typeof body.instructions === "string" && body.instructions.length > OPENAI.maxInstructionsChars) {
    return stringTooLong("instructions", OPENAI.maxInstructionsChars, body.instructions.length);
  }
  const badMetadata = checkMetadata(body.metadata);
  if (badMetadata) return badMetadata;

  const items = typeof input === "string" ? [{ role: "user", content: input }] : input;
  const instructions = typeof body.instructions === "string" ? body.instructions : null;
  const promptTokens =
    countAll(collectText(items.map((m) => (isObject(m) ? (m.content ?? m.text) : m)))) + (instructions ? countTokens(instructions) : 0);
  const lastUser = items.findLast((m) => isObject(m) && m.role === "user") ?? items.at(-1);
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
    ...splitDeltas(answer.text, req.chunks).map((delta): [string, Body, boolean] => [
      "response.output_text.delta",
      { ...at, delta, logprobs: [] },
      true,
    ]),
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
