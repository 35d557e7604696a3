// The benchmark's upstream: testing/mock-provider.ts in its own process, with streamed chat
// completions of exactly --chunks content deltas. (The simulator splits its short answer at
// token boundaries, so by itself it never streams more than ~60 deltas.)
//   tsx bench/mock.ts [--chunks 200] [--chunk-delay-ms 0] [--pace every|first] [--large-chunks 4000] [--large-chunk-bytes 400]
// Prints "READY <origin>". --pace every waits --chunk-delay-ms before each delta (slow streams).
// --pace first streams like a model: streamed requests for model "bench-paced" get the first chunk
// alone, then --chunk-delay-ms, then the rest back to back; other models' streams leave in one burst.
// Streamed requests for model "bench-large" get --large-chunks deltas of --large-chunk-bytes each
// (the large streamed response); non-streamed ones get the simulator's answer.
import { parseArgs } from "node:util";
import { startMockProvider, type MockProvider } from "../testing/mock-provider";
import type { SseFrame } from "../lib/gateway/simulator/index";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    chunks: { type: "string", default: "200" },
    "chunk-delay-ms": { type: "string", default: "0" },
    "large-chunks": { type: "string", default: "4000" },
    "large-chunk-bytes": { type: "string", default: "400" },
    pace: { type: "string", default: "every" },
  },
});

/** Which frames wait --chunk-delay-ms: every delta, only the one after the first chunk, or none. */
type Pace = "every" | "first" | "none";

/** An OpenAI chat completion stream, as the real API sends it (usage chunk only when asked). */
function chatStream(model: string, deltas: number, bytes: number, includeUsage: boolean, pace: Pace): SseFrame[] {
  const base = { id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1_760_000_000, model, system_fingerprint: "fp_bench" };
  const extra = includeUsage ? { usage: null } : {};
  const choice = (delta: object, finish: string | null = null) => ({ index: 0, delta, logprobs: null, finish_reason: finish });
  const word = "lorem ipsum dolor sit amet ".repeat(Math.ceil(bytes / 27)).slice(0, bytes);
  // The simulator never delays the first paced frame: pacing the opening chunk makes the first delta wait.
  const frames: SseFrame[] = [
    { data: { ...base, choices: [choice({ role: "assistant", content: "" })], ...extra }, paced: pace === "first" },
  ];
  for (let i = 0; i < deltas; i++) {
    frames.push({
      data: { ...base, choices: [choice({ content: word })], ...extra },
      paced: pace === "every" || (pace === "first" && i === 0),
    });
  }
  frames.push({ data: { ...base, choices: [choice({}, "stop")], ...extra } });
  if (includeUsage) {
    const completion = Math.ceil((deltas * bytes) / 4);
    frames.push({
      data: { ...base, choices: [], usage: { prompt_tokens: 12, completion_tokens: completion, total_tokens: 12 + completion } },
    });
  }
  frames.push({ data: "[DONE]" });
  return frames;
}

function install(mock: MockProvider, model: string | null, deltas: number, bytes: number, pace: Pace): void {
  for (const includeUsage of [true, false]) {
    const frames = chatStream(model ?? "gpt-4o-mini", deltas, bytes, includeUsage, pace);
    mock.reply({
      frames,
      headers: { "content-type": "text/event-stream; charset=utf-8" },
      times: Number.POSITIVE_INFINITY,
      // Cheap string checks: clients and the gateway send compact JSON.
      match: (r) =>
        r.path.endsWith("/chat/completions") &&
        r.body.includes('"stream":true') &&
        r.body.includes('"include_usage":true') === includeUsage &&
        (model === null || r.body.includes(`"model":"${model}"`)),
    });
  }
}

const mock = await startMockProvider({ port: Number(values.port), record: false });
mock.setStreaming({ chunkDelayMs: Number(values["chunk-delay-ms"]) });
const paceFirst = values.pace === "first";
if (!paceFirst && values.pace !== "every") throw new Error(`--pace must be every or first, not ${values.pace}`);
install(mock, "bench-large", Number(values["large-chunks"]), Number(values["large-chunk-bytes"]), paceFirst ? "none" : "every");
if (paceFirst) install(mock, "bench-paced", Number(values.chunks), 8, "first");
install(mock, null, Number(values.chunks), 8, paceFirst ? "none" : "every");
console.log(`READY ${mock.url}`);

const stop = () => void mock.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
