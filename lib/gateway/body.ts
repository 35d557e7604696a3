import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

// The request body, read whole within the size limit and the idle bound. Each door brings its own
// reader (node:http's stream, a web stream); the bounds and the answers are the same for both.

export interface BodyBounds {
  limit: number;
  idleMs: number;
  tooLarge: () => AppError;
}

/** Reads the whole body within the bounds, or rejects with the AppError the client should get. */
export type BodyReader = (bounds: BodyBounds) => Promise<Buffer>;

/**
 * A body must grow by this much (or end) within every SERVER_BODY_IDLE_TIMEOUT_MS: a drip of a
 * few bytes at a time holds the connection as surely as silence does.
 */
export const BODY_PROGRESS_BYTES = 1024;

/** 408: the client stopped sending its body (or sent it too slowly to count). */
export function bodyIdleError(): AppError {
  return new AppError("request_timeout", "The request body stopped arriving: send it without long pauses.");
}

export const clientGone = () => new AppError("bad_request", "The client closed the request before sending its body.");

export async function readBody(read: BodyReader | null, declared: string | null | undefined): Promise<Buffer | null> {
  if (!read) return null;
  const env = getEnv();
  const limit = env.MAX_REQUEST_BODY_BYTES;
  const tooLarge = () => new AppError("payload_too_large", `Request body exceeds the gateway's limit of ${limit} bytes.`);
  if (declared && Number(declared) > limit) throw tooLarge();
  return read({ limit, idleMs: env.SERVER_BODY_IDLE_TIMEOUT_MS, tooLarge });
}
