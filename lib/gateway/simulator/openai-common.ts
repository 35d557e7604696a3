// OpenAI errors and parameter checks shared by the chat, responses and embeddings simulators.
import { OPENAI, readCapped } from "./limits";
import { errorResult } from "./respond";
import type { SimResult } from "./respond";

export type Body = Record<string, unknown>;

export const missing = (param: string) =>
  errorResult("openai", 400, `Missing required parameter: '${param}'.`, { param, code: "missing_required_parameter" });

export const invalid = (param: string, message: string, code = "invalid_value") => errorResult("openai", 400, message, { param, code });

/** OpenAI's wording for an array over its maximum length. */
export const arrayTooLong = (param: string, max: number, got: number) =>
  invalid(
    param,
    `Invalid '${param}': array too long. Expected an array with maximum length ${max}, but got an array with length ${got} instead.`,
    "array_above_max_length",
  );

/** OpenAI's wording for a string over its maximum length. */
export const stringTooLong = (param: string, max: number, got: number) =>
  invalid(
    param,
    `Invalid '${param}': string too long. Expected a string with maximum length ${max}, but got a string with length ${got} instead.`,
    "string_above_max_length",
  );

/** A token limit parameter: the number, undefined when absent, or the 400 OpenAI would send. */
export function readOutputTokens(body: Body, param: string): number | undefined | SimResult {
  const value = readCapped(body[param], OPENAI.maxOutputTokens);
  if (value === "invalid") return invalid(param, `${param} must be a positive integer.`);
  if (value === "too_large") {
    return invalid(
      param,
      `${param} is too large: ${String(body[param])}. This model supports at most ${OPENAI.maxOutputTokens} completion tokens, whereas you provided ${String(body[param])}.`,
    );
  }
  return value;
}

/** `n`: how many choices to simulate, or the 400 OpenAI would send. */
export function readChoices(body: Body): number | SimResult {
  const value = readCapped(body.n, OPENAI.maxChoices);
  if (value === "invalid") return invalid("n", "Invalid 'n': expected an integer greater than or equal to 1.");
  if (value === "too_large") {
    return invalid(
      "n",
      `Invalid 'n': integer above maximum value. Expected a value <= ${OPENAI.maxChoices}, but got ${String(body.n)} instead.`,
      "integer_above_max_value",
    );
  }
  return value ?? 1;
}

/** Responses `metadata`: at most 16 string pairs of bounded size, as OpenAI allows. */
export function checkMetadata(metadata: unknown): SimResult | null {
  if (metadata === undefined || metadata === null) return null;
  if (typeof metadata !== "object" || Array.isArray(metadata)) {
    return invalid("metadata", "Invalid 'metadata': expected an object.", "invalid_type");
  }
  const entries = Object.entries(metadata);
  if (entries.length > OPENAI.maxMetadataPairs) {
    return invalid(
      "metadata",
      `Invalid 'metadata': too many properties. Expected an object with at most ${OPENAI.maxMetadataPairs} properties, but got an object with ${entries.length} properties instead.`,
      "object_above_max_properties",
    );
  }
  for (const [key, value] of entries) {
    if (key.length > OPENAI.maxMetadataKeyChars) {
      return invalid(
        "metadata",
        `Invalid 'metadata': keys must be at most ${OPENAI.maxMetadataKeyChars} characters long, got a key of ${key.length}.`,
      );
    }
    if (typeof value !== "string") {
      return invalid(`metadata.${key}`, "Invalid 'metadata': values must be strings.", "invalid_type");
    }
    if (value.length > OPENAI.maxMetadataValueChars) {
      return stringTooLong(`metadata.${key}`, OPENAI.maxMetadataValueChars, value.length);
    }
  }
  return null;
}

export const isResult = (v: unknown): v is SimResult => typeof v === "object" && v !== null && "status" in v && "headers" in v;
