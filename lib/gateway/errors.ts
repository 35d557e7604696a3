import { AppError, logFailure, toAppError } from "@/lib/errors";
import { FORMATS, type WireFormat } from "./formats";

// Gateway errors in the provider's own shape, so each official SDK raises its proper
// error class (AuthenticationError, RateLimitError, …) for them.

export function providerErrorBody(format: WireFormat, e: AppError): unknown {
  return FORMATS[format].errorBody(e.status, e.message, { type: e.type, param: e.param ?? null, code: e.code });
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
