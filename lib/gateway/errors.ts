import { AppError, logFailure, toAppError } from "@/lib/errors";
import type { WireFormat } from "./providers";

// Gateway errors in the provider's own shape, so each official SDK raises its proper
// error class (AuthenticationError, RateLimitError, …) for them.

const anthropicTypes: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  // Anthropic has no type for a request that stopped arriving; its SDK picks the class by status anyway.
  408: "invalid_request_error",
  413: "request_too_large",
  429: "rate_limit_error",
  // Anthropic's SDK picks its error class by status (InternalServerError for every 5xx); 503 has no type of its own.
  503: "api_error",
  504: "timeout_error",
};

const googleStatus: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  402: "FAILED_PRECONDITION",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  405: "INVALID_ARGUMENT",
  408: "DEADLINE_EXCEEDED",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

export function providerErrorBody(format: WireFormat, e: AppError): unknown {
  switch (format) {
    case "anthropic":
      return { type: "error", error: { type: anthropicTypes[e.status] ?? "api_error", message: e.message } };
    case "gemini":
      return { error: { code: e.status, message: e.message, status: googleStatus[e.status] ?? "INTERNAL" } };
    default:
      return { error: { message: e.message, type: e.type, param: e.param ?? null, code: e.code } };
  }
}

export function providerErrorJson(format: WireFormat, err: unknown): { status: number; headers: Record<string, string>; body: string } {
  const e = toAppError(err);
  logFailure("gateway error", err, e);
  return {
    status: e.status,
    headers: { "content-type": "application/json", ...e.headers },
    body: JSON.stringify(providerErrorBody(format, e)),
  };
}

export { AppError };
