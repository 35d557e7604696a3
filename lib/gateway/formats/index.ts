import { anthropic } from "./anthropic";
import { gemini } from "./gemini";
import { openai } from "./openai";
import type { FormatSpec, WireFormat } from "./types";

export type { ErrorDetail, FormatSpec, Obj, RunningUsage, WireFormat } from "./types";

/** Every wire format the gateway speaks; a new one is a module here and a line in this record. */
export const FORMATS: Record<WireFormat, FormatSpec> = { openai, anthropic, gemini };

/** The headers in which some SDK sends its API key, Bearer aside. */
export const KEY_HEADERS: readonly string[] = [...new Set(Object.values(FORMATS).map((f) => f.keyHeader))].filter(
  (h) => h !== "authorization",
);
