import type { Readable } from "node:stream";
import { BODY_PROGRESS_BYTES, bodyIdleError, clientGone, type BodyBounds } from "./body";

/**
 * The Node door's body reader (its IncomingMessage): plain events cost less than `for await`,
 * whose async iterator and end-of-stream bookkeeping showed in the profile, for the same result:
 * the whole body, or an error (over the limit, too slow, client gone) after which the stream is
 * paused (the client still gets its answer) or destroyed.
 */
export function readNodeBody(stream: Readable, { limit, idleMs, tooLarge }: BodyBounds): Promise<Buffer> {
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
