// A cheap upstream: node:http answering every request with one fixed, precomputed chat
// completion (usage included), without reading the body into anything. Next to it the gateway's
// own cost shows: a heavy mock (the simulator) hides it. A request whose body asks for a stream
// gets a short precomputed one instead: its first chunk alone, a pause, then the rest with usage,
// so that the first chunk's time is one trip through whatever stands between.
//   tsx bench/cheap-upstream.ts     prints "READY <origin>"
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const body = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-cheap",
    object: "chat.completion",
    created: 1_760_000_000,
    model: "gpt-4o-mini",
    choices: [
      { index: 0, message: { role: "assistant", content: "Hello! (a simulated response)" }, logprobs: null, finish_reason: "stop" },
    ],
    usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
  }),
);
const headers = { "content-type": "application/json", "content-length": String(body.length) };

const sse = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const chunk = (delta: object, extra: object = {}) => ({
  id: "chatcmpl-cheap",
  object: "chat.completion.chunk",
  created: 1_760_000_000,
  model: "gpt-4o-mini",
  choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
  ...extra,
});
const first = Buffer.from(sse(chunk({ role: "assistant", content: "Hello" })));
const rest = Buffer.from(
  sse(chunk({ content: "! (a simulated response)" })) +
    sse({ ...chunk({}), choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }] }) +
    sse({ ...chunk({}), choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } }) +
    "data: [DONE]\n\n",
);
const streamHeaders = { "content-type": "text/event-stream", "cache-control": "no-cache" };
/** The pause after the first chunk: long enough that it leaves alone, short enough to run many. */
const GAP_MS = 3;
const STREAM = /"stream"\s*:\s*true/;

const server = createServer((req, res) => {
  // Bodies are small here: only a stream request's needs a look, as text.
  const parts: Buffer[] = [];
  req.on("data", (b: Buffer) => parts.push(b));
  req.on("end", () => {
    if (!STREAM.test(Buffer.concat(parts).toString("latin1"))) return res.writeHead(200, headers).end(body);
    res.writeHead(200, streamHeaders);
    res.write(first);
    setTimeout(() => res.end(rest), GAP_MS);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}`));
