// What a simulated request may ask for, and how big a simulated answer may grow. The
// request caps are the providers' own; the output budgets keep every answer to a few MB,
// whatever an allowed request asks for, so a free test key can never exhaust the gateway.

export const OPENAI = {
  /** Choices per chat completion (`n`). */
  maxChoices: 128,
  /** max_tokens / max_completion_tokens / max_output_tokens, the largest of OpenAI's models. */
  maxOutputTokens: 128_000,
  /** Inputs per embeddings request. */
  maxEmbeddingInputs: 2048,
  /** Tokens per embeddings input, and per request across inputs. */
  maxTokensPerInput: 8192,
  maxTokensPerRequest: 300_000,
  /** `instructions` (characters, the Assistants API's cap) and `metadata` (pairs, key and value characters). */
  maxInstructionsChars: 256_000,
  maxMetadataPairs: 16,
  maxMetadataKeyChars: 64,
  maxMetadataValueChars: 512,
} as const;

export const ANTHROPIC = { maxOutputTokens: 128_000 } as const;

export const GEMINI = { maxOutputTokens: 65_536, maxCandidates: 8, maxBatchRequests: 100 } as const;

/** Model names are echoed in every chunk: a name longer than any real one is refused. */
export const MAX_MODEL_CHARS = 256;

/** Deeper bodies are refused before any walk over them (real request bodies are far shallower). */
export const MAX_BODY_DEPTH = 64;

/** Streamed content deltas per answer, whatever the server was configured with. */
export const MAX_CHUNKS = 256;

/** Streamed frames across all choices: many choices stream in fewer, larger deltas each. */
export const MAX_STREAM_FRAMES = 4096;

/**
 * Embedding values per answer, by encoding: a JSON float costs about twenty bytes, a
 * base64 float32 five. Beyond the budget vectors are shortened (as `dimensions` would),
 * since the provider's own answer at its caps would run to a hundred MB.
 */
export const EMBEDDING_VALUE_BUDGET = { float: 1 << 17, base64: 1 << 19 } as const;

/** The vector length to simulate for `count` inputs of `dimensions` each. */
export function embeddingDimensions(dimensions: number, count: number, encoding: "float" | "base64"): number {
  return Math.max(1, Math.min(dimensions, Math.floor(EMBEDDING_VALUE_BUDGET[encoding] / Math.max(1, count))));
}

/** Content deltas per choice so that `choices` streams stay within MAX_STREAM_FRAMES. */
export function deltasPerChoice(chunks: number, choices: number): number {
  return Math.max(1, Math.min(chunks, Math.floor(MAX_STREAM_FRAMES / Math.max(1, choices))));
}

/** True when `value` nests arrays/objects deeper than `max`; iterative, so any depth is safe. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** An optional positive integer checked against a cap: the value, undefined, or why not. */
export function readCapped(value: unknown, max: number): number | undefined | "invalid" | "too_large" {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || (value as number) < 1) return "invalid";
  return (value as number) > max ? "too_large" : (value as number);
}
