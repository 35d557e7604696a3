// Anthropic wire format: messages (JSON and SSE), count_tokens, models.
import { collectText, complete, countAll, splitDeltas } from "./text";
import { ANTHROPIC, MAX_MODEL_CHARS, readCapped } from "./limits";
import { errorResult, isObject, json, notFound, randomId, sse } from "./respond";
import type { SimRequest, SimResult } from "./respond";
import type { SseFrame } from "./sse";

const MODELS = ["claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5"];

type Body = Record<string, unknown>;

const invalid = (message: string) => errorResult("anthropic", 400, message);

export function simulateAnthropic(req: SimRequest): SimResult {
  // The SDK sends /v1/messages; curl users of the gateway write /messages.
  const path = req.path.replace(/^\/v1(?=\/)/, "");
  const route = `${req.method} ${path}`;
  if (route === "GET /models") {
    const data = MODELS.map(modelObject);
    return json("anthropic", { data, first_id: data[0].id, last_id: data.at(-1)!.id, has_more: false });
  }
  if (route !== "POST /messages" && route !== "POST /messages/count_tokens") {
    return notFound("anthropic", req.method, req.path);
  }
  const body = req.body;
  if (!isObject(body)) return invalid("There was an error parsing the body of your request as JSON.");
  if (typeof body.model !== "string" || !body.model) return invalid("model: Field required");
  // The model is echoed in the answer: no real model has a longer name.
  if (body.model.length > MAX_MODEL_CHARS) return invalid(`model: String should have at most ${MAX_MODEL_CHARS} characters`);
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid("messages: Field required");

  const inputTokens = countAll([
    ...collectText(body.system),
    ...collectText(body.messages.map((m) => (isObject(m) ? m.content : undefined))),
  ]);
  if (path === "/messages/count_tokens") return json("anthropic", { input_tokens: inputTokens });

  if (body.max_tokens === undefined) return invalid("max_tokens: Field required");
  const maxTokens = readCapped(body.max_tokens, ANTHROPIC.maxOutputTokens);
  if (maxTokens === "invalid") return invalid("max_tokens: Input should be greater than or equal to 1");
  if (maxTokens === "too_large") {
    return invalid(
      `max_tokens: ${String(body.max_tokens)} > ${ANTHROPIC.maxOutputTokens}, which is the maximum allowed number of output tokens for ${body.model}`,
    );
  }
  return messages(body, req, inputTokens, maxTokens);
}

function modelObject(id: string) {
  return { type: "model", id, display_name: id, created_at: "2025-01-01T00:00:00Z" };
}

function messages(body: Body, req: SimRequest, inputTokens: number, maxTokens: number | undefined): SimResult {
  const list = body.messages as unknown[];
  const lastUser = list.findLast((m) => isObject(m) && m.role === "user") ?? list.at(-1);
  const answer = complete(collectText(isObject(lastUser) ? lastUser.content : lastUser).join(" "), maxTokens);
  const stopReason = answer.finish === "length" ? "max_tokens" : "end_turn";
  const id = `msg_01${randomId(22)}`;
  const message = (content: unknown[], stop: string | null, outputTokens: number) => ({
    id,
    type: "message",
    role: "assistant",
    model: body.model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: {
      input_tokens: inputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: outputTokens,
      service_tier: "standard",
    },
  });

  if (body.stream !== true) {
    return json("anthropic", message([{ type: "text", text: answer.text }], stopReason, answer.tokens));
  }

  // As the real API does, message_start reports output_tokens 1 and message_delta the final count.
  const frame = (type: string, fields: Body = {}, paced = false): SseFrame => ({
    event: type,
    data: { type, ...fields },
    paced,
  });
  const frames: SseFrame[] = [
    frame("message_start", { message: message([], null, 1) }),
    frame("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    frame("ping"),
    ...splitDeltas(answer.text, req.chunks).map((text) =>
      frame("content_block_delta", { index: 0, delta: { type: "text_delta", text } }, true),
    ),
    frame("content_block_stop", { index: 0 }),
    frame("message_delta", {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: answer.tokens },
    }),
    frame("message_stop"),
  ];
  return sse("anthropic", frames);
}
