import { Readable } from "node:stream";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { decodeComponent } from "@/lib/uri";
import type { WireFormat } from "./providers";

// The request body: read whole within the size limit and the idle bound, then what the gateway
// needs from it: the model, whether it streams, and (for small bodies) the parsed JSON. Large
// bodies are scanned, not parsed.

const PARSE_LIMIT = 256 * 1024;

export interface RequestInfo {
  model: string | null;
  stream: boolean;
  json: Record<string, unknown> | null;
}

export function inspectRequest(format: WireFormat, path: string, body: Buffer | null): RequestInfo {
  if (format === "gemini") {
    // Gemini names the model and the streaming mode in the path, not the body.
    const m = /\/models\/([^/:]+)/.exec(path);
    const json = body && body.length <= PARSE_LIMIT ? parseObject(body) : null;
    return { model: m ? pathModel(m[1]) : null, stream: path.includes(":streamGenerateContent"), json };
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

function pathModel(segment: string): string {
  const model = decodeComponent(segment);
  if (model === null) throw new AppError("bad_request", `The model in the path, '${segment}', is not valid percent-encoding.`);
  return model;
}

function parseObject(body: Buffer): Record<string, unknown> | null {
  try {
    const json: unknown = JSON.parse(body.toString("utf8"));
    return json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  } catch {
    return null; // Not JSON: the provider will say so; we forward it untouched.
  }
}

/**
 * A body must grow by this much (or end) within every SERVER_BODY_IDLE_TIMEOUT_MS: a drip of a
 * few bytes at a time holds the connection as surely as silence does.
 */
export const BODY_PROGRESS_BYTES = 1024;

/** 408: the client stopped sending its body (or sent it too slowly to count). */
export function bodyIdleError(): AppError {
  const e = new AppError("bad_request", "The request body stopped arriving: send it without long pauses.");
  // lib/errors.ts has no 408 code yet: the status is set on the instance, everything else is bad_request's.
  return Object.defineProperty(e, "status", { value: 408 });
}

const clientGone = () => new AppError("bad_request", "The client closed the request before sending its body.");

export async function readBody(body: AsyncIterable<Uint8Array> | null, declared: string | null | undefined): Promise<Buffer | null> {
  if (!body) return null;
  const env = getEnv();
  const limit = env.MAX_REQUEST_BODY_BYTES;
  const tooLarge = () =>
    new AppError("payload_too_large", `Request body exceeds the gateway's limit of ${limit} bytes.`);
  if (declared && Number(declared) > limit) throw tooLarge();
  if (body instanceof Readable) return collect(body, limit, env.SERVER_BODY_IDLE_TIMEOUT_MS, tooLarge);
  return iterate(body, limit, env.SERVER_BODY_IDLE_TIMEOUT_MS, tooLarge);
}

/**
 * readBody for the Node door's IncomingMessage: plain events cost less than `for await`, whose
 * async iterator and end-of-stream bookkeeping showed in the profile, for the same result:
 * the whole body, or an error (over the limit, too slow, client gone) after which the stream is
 * paused (the client still gets its answer) or destroyed.
 */
function collect(stream: Readable, limit: number, idleMs: number, tooLarge: () => AppError): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let progress = 0;
    const done = (err: Error | null, answerFirst = false) => {
      clearTimeout(idle);
      stream.off("data", onData).off("end", onEnd).off("error", onClose).off("close", onClose);
      if (!err) return resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
      // Over the limit or too slow, the client still gets its 413 or 408: reading stops, and the
      // door closes the connection once the answer is out. Destroying the stream would cut it first.
      if (answerFirst) stream.pause();
      else stream.destroy();
      reject(err);
    };
    const idle = setTimeout(() => done(bodyIdleError(), true), idleMs);
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) return done(tooLarge(), true);
      chunks.push(chunk);
      progress += chunk.byteLength;
      if (progress >= BODY_PROGRESS_BYTES) {
        progress = 0;
        idle.refresh();
      }
    };
    const onEnd = () => done(null);
    // The request stream fails only when the client goes ("aborted", a reset): its error, not ours.
    const onClose = () => done(clientGone());
    stream.on("data", onData).on("end", onEnd).on("error", onClose).on("close", onClose);
  });
}

/** readBody for a web stream (the web door), with the same bounds. */
async function iterate(body: AsyncIterable<Uint8Array>, limit: number, idleMs: number, tooLarge: () => AppError): Promise<Buffer> {
  const it = body[Symbol.asyncIterator]();
  let fire: (err: AppError) => void = () => {};
  const stalled = new Promise<never>((_, reject) => (fire = reject));
  stalled.catch(() => {}); // raced below; never left unhandled when the body ends first
  const idle = setTimeout(() => fire(bodyIdleError()), idleMs);
  const chunks: Buffer[] = [];
  let size = 0;
  let progress = 0;
  try {
    for (;;) {
      const next = it.next();
      next.catch(() => {}); // a read still pending when the bound fires may fail later, unheard
      const { value: chunk, done } = await Promise.race([next, stalled]);
      if (done) break;
      size += chunk.byteLength;
      if (size > limit) throw tooLarge();
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      progress += chunk.byteLength;
      if (progress >= BODY_PROGRESS_BYTES) {
        progress = 0;
        idle.refresh();
      }
    }
  } catch (err) {
    // Not awaited: a read may still be pending, and the stream is abandoned either way.
    Promise.resolve(it.return?.()).catch(() => {});
    throw err instanceof AppError ? err : clientGone();
  } finally {
    clearTimeout(idle);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}
