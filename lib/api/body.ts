import type { z } from "zod";
import { AppError, parseInput } from "@/lib/errors";

const MAX_BODY_BYTES = 64 * 1024;
/** Our bodies nest a couple of levels (limits, allow-lists); anything far deeper is not ours to walk. */
export const MAX_BODY_DEPTH = 16;

/** Reads a small JSON body and validates it; every failure is a 400 that names the field. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw new AppError("payload_too_large", "Request body is too large.");
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) throw new AppError("payload_too_large", "Request body is too large.");
  // Before parsing: a deep value would overflow the stack of whatever walks it next (zod, our checks).
  if (nestingDepth(text) > MAX_BODY_DEPTH) throw new AppError("bad_request", "Request body is nested too deeply.");
  let data: unknown;
  try {
    data = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "Request body is not valid JSON.");
  }
  rejectNul(data);
  return parseInput(schema, data);
}

/**
 * The deepest nesting of arrays and objects in JSON text, in one pass without recursion;
 * brackets inside strings do not count. Malformed text is left to JSON.parse to refuse.
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Where in a parsed JSON value a string (or a property name) is text Postgres cannot store, as a
 * param path.
 * An explicit stack rather than recursion, so a deep value cannot overflow the call stack;
 * depth-first in document order, so the first field at fault is the one named.
 */
function nulAt(root: unknown): string | null {
  const stack: { value: unknown; path: string; badKey: boolean }[] = [{ value: root, path: "", badKey: false }];
  while (stack.length > 0) {
    const { value, path, badKey } = stack.pop()!;
    if (badKey) return path;
    if (typeof value === "string") {
      if (!storable(value)) return path;
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, v] = entries[i];
      stack.push({ value: v, path: path ? `${path}.${k}` : k, badKey: !storable(k) }); // as zod names it: allowed_models.0
    }
  }
  return null;
}

/** Postgres text holds neither NUL nor a lone UTF-16 surrogate (which has no UTF-8 form). */
const storable = (s: string) => !s.includes("\0") && s.isWellFormed();

/**
 * Text Postgres cannot store would fail deep in a query as a 500 (and, in a usage event, be lost).
 * It is the caller's input, so it is a 400 that names the field.
 */
export function rejectNul(value: unknown): void {
  const param = nulAt(value);
  if (param === null) return;
  throw new AppError(
    "bad_request",
    `${param || "The request"} must not contain NUL (\\u0000) characters or unpaired surrogates (such as \\udfff).`,
    { param: param || undefined },
  );
}
