import { Cancellation } from "./cancel";
import { handle } from "./handle";
import { splitGatewayUrl } from "./node";

// The web door (Next route handler, serverless): Request in, Response out.

export async function handleWebRequest(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const { provider, path, search } = splitGatewayUrl(url.pathname + url.search);
  const result = await handle({
    method: req.method,
    provider,
    path,
    search,
    headers: req.headers,
    body: req.body as AsyncIterable<Uint8Array> | null,
    cancel: Cancellation.follow(req.signal),
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(result.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const { body } = result;
  const stream =
    body === null || typeof body === "string" || body instanceof ReadableStream
      ? body
      : body instanceof Uint8Array
        ? (body as Uint8Array<ArrayBuffer>)
        : toStream(body);
  return new Response(stream, { status: result.status, headers });
}

// Pull one chunk at a time (highWaterMark 0): nothing is read ahead or buffered, and the
// client cancelling the response stops the upstream body.
function toStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel(reason) {
        await it.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
