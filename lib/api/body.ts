import type { z } from "zod";
import { AppError } from "@/lib/errors";

const MAX_BODY_BYTES = 64 * 1024;

/** Reads a small JSON body and validates it; every failure is a 400 that names the field. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw new AppError("payload_too_large", "Request body is too large.");
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) throw new AppError("payload_too_large", "Request body is too large.");
  let data: unknown;
  try {
    data = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "Request body is not valid JSON.");
  }
  rejectNul(data);
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue.path.join(".") || undefined;
    throw new AppError("bad_request", issue.message, { param });
  }
  return parsed.data;
}

/** Where in a parsed JSON value a string (or a property name) holds NUL, as a param path. */
function nulAt(value: unknown, path: string): string | null {
  if (typeof value === "string") return value.includes("\0") ? path : null;
  if (value === null || typeof value !== "object") return null;
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k; // as zod names it: allowed_models.0
    if (k.includes("\0")) return at;
    const found = nulAt(v, at);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Postgres text cannot hold NUL (\u0000): a value with one would fail deep in a query as a 500.
 * It is the caller's input, so it is a 400 that names the field.
 */
export function rejectNul(value: unknown): void {
  const param = nulAt(value, "");
  if (param === null) return;
  throw new AppError("bad_request", `${param || "The request"} must not contain NUL (\\u0000) characters.`, {
    param: param || undefined,
  });
}
