import { AppError } from "@/lib/errors";
import { BODY_PROGRESS_BYTES, bodyIdleError, clientGone, type BodyBounds } from "./body";

/** The web door's body reader (a web stream, as Next hands it over), with the same bounds. */
export async function readWebBody(body: AsyncIterable<Uint8Array>, { limit, idleMs, tooLarge }: BodyBounds): Promise<Buffer> {
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
