// The one error type. A code decides the HTTP status and the error `type`
// callers see; the gateway maps the same codes onto each provider's shape.
import { ZodError, type z } from "zod";
import { databaseOutage, describeError } from "./db-errors";

const codes = {
  bad_request: { status: 400, type: "invalid_request_error" },
  invalid_json: { status: 400, type: "invalid_request_error" },
  unauthorized: { status: 401, type: "authentication_error" },
  forbidden: { status: 403, type: "permission_error" },
  payment_required: { status: 402, type: "insufficient_quota" },
  not_found: { status: 404, type: "not_found_error" },
  method_not_allowed: { status: 405, type: "invalid_request_error" },
  request_timeout: { status: 408, type: "invalid_request_error" },
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

  constructor(code: ErrorCode, message: string, options: { headers?: Record<string, string>; param?: string } = {}) {
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

/** Seconds a client is told to wait when the database is away: outages of a few seconds are the common kind. */
export const DATABASE_RETRY_AFTER_S = 2;

/** The answer while the database is away or too slow: 503, retry shortly. */
export function databaseUnavailable(): AppError {
  return new AppError("unavailable", "The database is unavailable. Please retry shortly.", {
    headers: { "Retry-After": String(DATABASE_RETRY_AFTER_S) },
  });
}

/** Anything thrown becomes an AppError; unknown failures never leak their text or stack. */
/** Input checked at a boundary: the value as the schema reads it, or the 400 naming the first field at fault. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw toAppError(parsed.error);
  return parsed.data;
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // Input checked by a zod schema at a boundary (body, query): a 400 naming the first field at fault.
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    return new AppError("bad_request", issue?.message ?? "Invalid request.", { param: issue?.path.join(".") || undefined });
  }
  if (databaseOutage(err)) return databaseUnavailable();
  return new AppError("internal", "An internal error occurred. Please try again.");
}

// While the database is away every request fails the same way: one line per interval, with a count.
const OUTAGE_LOG_EVERY_MS = 10_000;
const outageLog = { last: -Infinity, suppressed: 0 };

/** Logs a failure that reached an error response: internal errors always, outages at most every few seconds. */
export function logFailure(where: string, err: unknown, e: AppError = toAppError(err)): void {
  if (e.code === "internal") return void console.error(`[neuronedge] ${where}:`, describeError(err));
  if (e.code !== "unavailable" || err instanceof AppError) return;
  const now = Date.now();
  if (now - outageLog.last < OUTAGE_LOG_EVERY_MS) return void outageLog.suppressed++;
  const more = outageLog.suppressed ? ` (${outageLog.suppressed} more since the last report)` : "";
  outageLog.last = now;
  outageLog.suppressed = 0;
  console.error(`[neuronedge] ${where}: ${describeError(err)}${more}`);
}

/** Tests of the outage log start from a quiet log. */
export function resetFailureLog(): void {
  outageLog.last = -Infinity;
  outageLog.suppressed = 0;
}

export function errorResponse(err: unknown): Response {
  const e = toAppError(err);
  logFailure("unhandled error", err, e);
  return Response.json(e.toJSON(), { status: e.status, headers: e.headers });
}
