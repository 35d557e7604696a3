import { assertLocalHost } from "@/lib/auth/local-guard";
import { getEnv } from "@/lib/env";
import { readWebBody } from "./body-web";
import { Cancellation } from "./cancel";
import { providerErrorJson } from "./errors";
import { handle } from "./handle";
import { splitGatewayUrl } from "./url";

// The web door (Next route handler, serverless): Request in, Response out.

export async function handleWebRequest(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const { provider, path, search } = splitGatewayUrl(url.pathname + url.search);
  const source = req.body as AsyncIterable<Uint8Array> | null;
  const result =
    guarded(req) ??
    (await handle({
      method: req.method,
      provider,
      path,
      search,
      headers: req.headers,
      body: source ? (bounds) => readWebBody(source, bounds) : null,
      cancel: Cancellation.follow(req.signal),
    }));
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

/** Local mode answers loopback Host names only (DNS rebinding), through this door as through the node one. */
function guarded(req: Request): { status: number; headers: Record<string, string>; body: string } | null {
  try {
    // Next builds the URL from the Host header; a Request made by hand may carry only the URL.
    assertLocalHost(getEnv(), req.headers.get("host") ?? new URL(req.url).host);
    return null;
  } catch (err) {
    return providerErrorJson("openai", err);
  }
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
