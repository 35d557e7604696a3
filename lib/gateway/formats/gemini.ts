import { decodeComponent } from "@/lib/uri";
import { AppError } from "@/lib/errors";
import { type FormatSpec, num, obj } from "./types";

// Google's Gemini API (generateContent and friends): the model and the streaming mode are in the path.

const STATUSES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  402: "FAILED_PRECONDITION",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  405: "INVALID_ARGUMENT",
  408: "DEADLINE_EXCEEDED",
  409: "ABORTED",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

function pathModel(segment: string): string {
  const model = decodeComponent(segment);
  if (model === null) throw new AppError("bad_request", `The model in the path, '${segment}', is not valid percent-encoding.`);
  return model;
}

export const gemini: FormatSpec = {
  errorBody: (status, message) => ({
    error: { code: status, message, status: STATUSES[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION") },
  }),
  // Streamed chunks repeat the cumulative usageMetadata: the last one wins.
  absorb(u, data) {
    if (typeof data.modelVersion === "string" && !u.model) u.model = data.modelVersion;
    const usage = obj(data.usageMetadata);
    if (!usage) return;
    u.inputTokens = num(usage.promptTokenCount);
    u.cachedInputTokens = num(usage.cachedContentTokenCount);
    u.outputTokens = num(usage.candidatesTokenCount) + num(usage.thoughtsTokenCount);
  },
  usageKey: "usageMetadata",
  keyHeader: "x-goog-api-key",
  fromPath(path) {
    const m = /\/models\/([^/:]+)/.exec(path);
    return { model: m ? pathModel(m[1]) : null, stream: path.includes(":streamGenerateContent") };
  },
  outputCaps: (json) => [obj(json.generationConfig)?.maxOutputTokens],
  endpoint: (path) => path.replace(/\/models\/[^/:]+/, "/models/{model}"),
};
