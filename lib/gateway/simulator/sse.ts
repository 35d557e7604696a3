// Server-sent events: frame encoding, and pacing/abort shared by every way of sending them.

export interface SseFrame {
  /** The `event:` line; OpenAI chat and Gemini send data-only frames. */
  event?: string;
  /** JSON-encoded unless already a string (e.g. "[DONE]"). */
  data: unknown;
  /** Wait chunkDelayMs before this frame: set on content deltas, which is what slow streams slow down. */
  paced?: boolean;
}

export interface StreamOptions {
  signal?: AbortSignal;
  chunkDelayMs?: number;
}

export function encodeFrame(frame: SseFrame): string {
  const data = typeof frame.data === "string" ? frame.data : JSON.stringify(frame.data);
  return `${frame.event ? `event: ${frame.event}\n` : ""}data: ${data}\n\n`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/**
 * The encoded frames, one at a time, waiting chunkDelayMs between content deltas.
 * Produced on demand, so a slow reader or an abort stops production; an abort throws
 * rather than ending cleanly, so a cut-off stream is never mistaken for a complete one.
 */
export async function* sseChunks(frames: SseFrame[], opts: StreamOptions = {}): AsyncGenerator<string, void> {
  const delay = Math.max(0, opts.chunkDelayMs ?? 0);
  const { signal } = opts;
  let first = true;
  for (const frame of frames) {
    if (frame.paced && delay > 0 && !first) await sleep(delay, signal);
    if (signal?.aborted) throw abortError(signal);
    if (frame.paced) first = false;
    yield encodeFrame(frame);
  }
  if (signal?.aborted) throw abortError(signal);
}

/** The frames as a web byte stream (for web Responses). */
export function sseStream(frames: SseFrame[], opts: StreamOptions = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const chunks = sseChunks(frames, opts);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await chunks.return();
    },
  });
}
