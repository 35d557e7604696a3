// OpenAI-compatible streams report usage only when asked (stream_options.include_usage).
// When the client did not ask, the gateway asks on its behalf, reads the usage-only
// chunk, and removes that chunk so the client sees exactly the stream it requested.

type Obj = Record<string, unknown>;

/** Adds include_usage to a streamed chat request that lacks it; true when it did. */
export function injectStreamUsage(body: Obj): boolean {
  const options = body.stream_options as Obj | undefined | null;
  if (body.stream !== true || (options && options.include_usage === true)) return false;
  body.stream_options = { ...(options ?? {}), include_usage: true };
  return true;
}

// The usage-only chunk: `choices` is empty and `usage` is set.
const USAGE_ONLY = /^data:\s*\{.*"choices"\s*:\s*\[\s*\].*"usage"\s*:\s*\{/s;
const BOUNDARY = /\r?\n\r?\n/g;

/** Passes SSE events through as each completes, except the usage-only chunk. */
export async function* withoutUsageChunk(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  for await (const chunk of source) {
    pending += decoder.decode(chunk, { stream: true });
    let out = "";
    let start = 0;
    BOUNDARY.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = BOUNDARY.exec(pending))) {
      const end = m.index + m[0].length;
      const event = pending.slice(start, end);
      if (!USAGE_ONLY.test(event)) out += event;
      start = end;
    }
    pending = pending.slice(start);
    if (out) yield encoder.encode(out);
  }
  pending += decoder.decode();
  if (pending && !USAGE_ONLY.test(pending)) yield encoder.encode(pending);
}
