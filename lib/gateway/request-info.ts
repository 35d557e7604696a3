import { FORMATS, type WireFormat } from "./formats";

// What the gateway needs from a request body: the model, whether it streams, and (for small
// bodies) the parsed JSON. Large bodies are scanned, not parsed.

const PARSE_LIMIT = 256 * 1024;

export interface RequestInfo {
  model: string | null;
  stream: boolean;
  json: Record<string, unknown> | null;
}

export function inspectRequest(format: WireFormat, path: string, body: Buffer | null): RequestInfo {
  const fromPath = FORMATS[format].fromPath;
  if (fromPath) {
    const json = body && body.length <= PARSE_LIMIT ? parseObject(body) : null;
    return { ...fromPath(path), json };
  }
  if (!body || body.length === 0) return { model: null, stream: false, json: null };
  if (body.length <= PARSE_LIMIT) {
    const json = parseObject(body);
    if (!json) return { model: null, stream: false, json: null };
    return { model: typeof json.model === "string" ? json.model : null, stream: json.stream === true, json };
  }
  // A 1 MB prompt is mostly message text: the top-level "model" and "stream" fields
  // are found by a scan of the head and tail, where SDKs put them.
  const text = body.subarray(0, 4096).toString("utf8") + body.subarray(Math.max(4096, body.length - 4096)).toString("utf8");
  return {
    model: /"model"\s*:\s*"([^"\\]{1,200})"/.exec(text)?.[1] ?? null,
    stream: /"stream"\s*:\s*true/.test(text),
    json: null,
  };
}

function parseObject(body: Buffer): Record<string, unknown> | null {
  try {
    const json: unknown = JSON.parse(body.toString("utf8"));
    return json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  } catch {
    return null; // Not JSON: the provider will say so; we forward it untouched.
  }
}
