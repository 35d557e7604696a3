// A cheap upstream: node:http answering every request with one fixed, precomputed chat
// completion (usage included), without reading the body into anything. Next to it the gateway's
// own cost shows: a heavy mock (the simulator) hides it.
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

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, headers).end(body));
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}`));
