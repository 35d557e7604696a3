// OpenAI embeddings: floats or base64 float32, within OpenAI's input caps and the simulator's output budget.
import { embeddingDimensions, OPENAI } from "./limits";
import { arrayTooLong, invalid, missing } from "./openai-common";
import type { Body } from "./openai-common";
import { json, readMaxTokens } from "./respond";
import type { SimResult } from "./respond";
import { countTokens, embed, float32Base64 } from "./text";

export function embeddings(body: Body): SimResult {
  const input = body.input;
  if (input === undefined) return missing("input");
  const inputs: unknown[] = Array.isArray(input) && input.length > 0 && typeof input[0] !== "number" ? input : [input];
  if (inputs.length > OPENAI.maxEmbeddingInputs) return arrayTooLong("input", OPENAI.maxEmbeddingInputs, inputs.length);
  const valid = inputs.every((x) => typeof x === "string" || (Array.isArray(x) && x.length > 0 && x.every((n) => Number.isInteger(n))));
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

  // Token arrays are already tokens: count their length. Both caps are OpenAI's.
  const tokens = inputs.map((x) => (typeof x === "string" ? countTokens(x) : (x as number[]).length));
  const tooLong = tokens.findIndex((n) => n > OPENAI.maxTokensPerInput);
  if (tooLong >= 0) {
    return invalid(
      "input",
      `Invalid 'input[${tooLong}]': maximum input length is ${OPENAI.maxTokensPerInput} tokens, but got ${tokens[tooLong]} tokens.`,
    );
  }
  const promptTokens = tokens.reduce((a, b) => a + b, 0);
  if (promptTokens > OPENAI.maxTokensPerRequest) {
    return invalid("input", `Requested ${promptTokens} tokens, max ${OPENAI.maxTokensPerRequest} tokens per request in 'input'.`);
  }

  const dimensions = embeddingDimensions(dims ?? full, inputs.length, format);
  const data = inputs.map((x, index) => {
    // Token arrays embed their digits.
    const vector = embed(typeof x === "string" ? x : (x as number[]).join(" "), dimensions);
    return { object: "embedding", index, embedding: format === "base64" ? float32Base64(vector) : vector };
  });
  return json("openai", {
    object: "list",
    data,
    model: body.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}
