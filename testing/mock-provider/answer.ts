// The mock's answer to one recorded request: a queued behaviour (fail, hang, reply) or else the
// simulator's answer in the request's wire format, written with backpressure.
import type { IncomingMessage, ServerResponse } from "node:http";
import { encodeFrame, errorBody, simulateResult, sseChunks } from "../../lib/gateway/simulator/index";
import type { SimResult, SimulatorFormat, StreamOptions } from "../../lib/gateway/simulator/index";
import type { Behaviour, RecordedRequest, Streaming } from "./types";
import { rateLimitHeaders, route } from "./wire";

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
    req.on("close", () => !req.complete && reject(new Error("client closed before sending its body")));
  });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Writes a simulated result to a node response: SSE paced, with backpressure, until done or the client leaves. */
async function send(res: ServerResponse, result: SimResult, extraHeaders: Record<string, string>, stream: StreamOptions) {
  const headers = { ...extraHeaders, ...result.headers };
  if (!result.frames) {
    res.writeHead(result.status, { ...headers, "content-length": String(Buffer.byteLength(result.body)) }).end(result.body);
    return;
  }
  res.writeHead(result.status, headers);
  if (!stream.chunkDelayMs || !result.frames.some((f) => f.paced)) {
    // Nothing to pace: one write is much cheaper than a generator step and a write per frame.
    res.end(result.frames.map(encodeFrame).join(""));
    return;
  }
  // Frames produced back to back (no chunk delay) leave in one write; paced frames leave at once.
  let corked = false;
  const uncork = () => {
    corked = false;
    res.uncork();
  };
  try {
    for await (const chunk of sseChunks(result.frames, stream)) {
      if (res.destroyed) return;
      if (!corked) {
        corked = true;
        res.cork();
        setImmediate(uncork);
      }
      if (!res.write(chunk)) {
        await new Promise<void>((resolve) => {
          res.once("drain", resolve);
          res.once("close", resolve);
        });
      }
    }
    res.end();
  } catch {
    // The stream was aborted because the client left: nothing more to send.
    res.destroy();
  }
}

export interface AnswerState {
  /** Requests answered so far in each format, for the rate-limit headers (counted here). */
  served: Record<SimulatorFormat, number>;
  /** The streaming settings as they are when the request arrives. */
  streaming: Streaming;
  /** Takes the first queued behaviour the request matches (one of its times) off the queue. */
  takeBehaviour(r: RecordedRequest): Behaviour | undefined;
}

export async function answer(
  entry: RecordedRequest,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
  state: AnswerState,
) {
  const { format, path } = route(url.pathname, req.headers);
  const limits = rateLimitHeaders(format, state.served[format]++);
  const behaviour = state.takeBehaviour(entry);
  const streaming = state.streaming;
  if (behaviour?.kind === "hang") return; // keep the socket open; close() or the client ends it
  if (behaviour?.kind === "fail") {
    const body =
      behaviour.body === undefined
        ? errorBody(format, behaviour.status, `Simulated failure with status ${behaviour.status}.`)
        : behaviour.body;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res
      .writeHead(behaviour.status, {
        ...limits,
        "content-type": typeof body === "string" ? "text/plain" : "application/json",
        ...behaviour.headers,
      })
      .end(text);
    return;
  }
  if (behaviour?.kind === "reply") {
    const { status, body, frames, headers } = behaviour;
    const result: SimResult = frames
      ? { status, headers: { "content-type": "text/event-stream; charset=utf-8", ...headers }, frames }
      : {
          status,
          headers: { "content-type": "application/json", ...headers },
          body: typeof body === "string" ? body : JSON.stringify(body ?? {}),
        };
    await send(res, result, limits, { signal, chunkDelayMs: streaming.chunkDelayMs });
    return;
  }
  const result = simulateResult({
    format,
    method: entry.method,
    path,
    search: url.search,
    body: parseJson(entry.body),
    chunks: streaming.chunks,
  });
  await send(res, result, limits, { signal, chunkDelayMs: streaming.chunkDelayMs });
}
