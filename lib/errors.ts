// The one error type. A code decides the HTTP status and the error `type`
// callers see; the gateway maps the same codes onto each provider's shape.

const codes = {
  bad_request: { status: 400, type: "invalid_request_error" },
  invalid_json: { status: 400, type: "invalid_request_error" },
  unauthorized: { status: 401, type: "authentication_error" },
  forbidden: { status: 403, type: "permission_error" },
  payment_required: { status: 402, type: "insufficient_quota" },
  not_found: { status: 404, type: "not_found_error" },
  method_not_allowed: { status: 405, type: "invalid_request_error" },
  conflict: { status: 409, type: "invalid_request_error" },
  payload_too_large: { status: 413, type: "invalid_request_error" },
  unsupported_media_type: { status: 415, type: "invalid_request_error" },
  rate_limited: { status: 429, type: "rate_limit_error" },
  internal: { status: 500, type: "api_error" },
  bad_gateway: { status: 502, type: "api_error" },
  unavailable: { status: 503, type: "api_error" },
  gateway_timeout: { status: 504, type: "api_error" },
} as const;

export type ErrorCode = keyof typeof codes;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;
  /** Extra response headers (Allow, Retry-After, …). */
  readonly headers: Record<string, string>;
  /** The request field at fault, when there is one. */
  readonly param?: string;

  constructor(
    code: ErrorCode,
    message: string,
    options: { headers?: Record<string, string>; param?: string } = {},
  ) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.status = codes[code].status;
    this.type = codes[code].type;
    this.headers = options.headers ?? {};
    this.param = options.param;
  }

  toJSON() {
    const error: Record<string, string> = { message: this.message, type: this.type, code: this.code };
    if (this.param) error.param = this.param;
    return { error };
  }
}

/** Anything thrown becomes an AppError; unknown failures never leak their text or stack. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError("internal", "An internal error occurred. Please try again.");
}

export function errorResponse(err: unknown): Response {
  const e = toAppError(err);
  if (e.code === "internal") console.error("[neuronedge] unhandled error:", describe(err));
  return Response.json(e.toJSON(), { status: e.status, headers: e.headers });
}

// Log the error's class and message only: never request bodies or headers, which may hold keys.
function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}\n${err.stack ?? ""}`;
  return String(err);
}
