// A fake LLM provider on loopback for tests and benchmarks: one node:http server that
// speaks the OpenAI, Anthropic and Gemini wire formats (by delegating to the gateway's
// simulator), records every request it receives, and can be told to fail, hang or stream slowly.
// Here: the server, the recording and the controls; testing/mock-provider/ has the answers.
//
// Standalone: npx tsx testing/mock-provider.ts --port 4010 [--chunks 8] [--chunk-delay-ms 0] [--record]
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import type { SimulatorFormat } from "../lib/gateway/simulator/index";
import { answer, readBody } from "./mock-provider/answer";
import type { Behaviour, MockProvider, RecordedRequest, Streaming } from "./mock-provider/types";

export type { MockProvider, RecordedRequest } from "./mock-provider/types";

export async function startMockProvider(opts: { port?: number; record?: boolean } = {}): Promise<MockProvider> {
  const record = opts.record ?? true;
  const requests: RecordedRequest[] = [];
  let behaviours: Behaviour[] = [];
  let streaming: Streaming = {};
  const served: Record<SimulatorFormat, number> = { openai: 0, anthropic: 0, gemini: 0 };
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };

  const takeBehaviour = (r: RecordedRequest): Behaviour | undefined => {
    const b = behaviours.find((x) => !x.match || x.match(r));
    if (b && --b.times <= 0) behaviours = behaviours.filter((x) => x !== b);
    return b;
  };

  const server = createServer(async (req, res) => {
    const receivedAt = Date.now();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const entry: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      search: url.search,
      headers: { ...req.headers },
      body: "",
      receivedAt,
      aborted: false,
      completed: false,
    };
    const controller = new AbortController();
    res.on("finish", () => {
      entry.completed = true;
      notify();
    });
    res.on("close", () => {
      if (!res.writableFinished) {
        entry.aborted = true;
        controller.abort();
        notify();
      }
    });
    try {
      entry.body = await readBody(req);
    } catch {
      // The client left while sending its body: still a request worth seeing in tests.
      entry.aborted = true;
      if (record) requests.push(entry);
      notify();
      res.destroy();
      return;
    }
    if (record) requests.push(entry);
    notify();
    try {
      await answer(entry, url, req, res, controller.signal, { served, streaming, takeBehaviour });
    } catch (err) {
      // A bug here must fail the request, not crash the test run with an unhandled rejection.
      console.error("[mock-provider] handler failed:", err);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("mock provider error");
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseUrls: { openai: `${url}/openai/v1`, anthropic: `${url}/anthropic`, gemini: `${url}/gemini` },
    requests,
    reset() {
      requests.length = 0;
      behaviours = [];
      streaming = {};
    },
    fail({ times = 1, ...rest }) {
      behaviours.push({ kind: "fail", times, ...rest });
    },
    reply({ status = 200, times = 1, ...rest }) {
      behaviours.push({ kind: "reply", status, times, ...rest });
    },
    hang({ times = 1, match } = {}) {
      behaviours.push({ kind: "hang", times, match });
    },
    setStreaming(opts) {
      streaming = { ...streaming, ...opts };
    },
    waitFor(pred, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = requests.find(pred);
          if (!found) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`waitFor: no matching request within ${timeoutMs} ms (${requests.length} recorded)`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Hanging and keep-alive connections would otherwise hold close() open.
        server.closeAllConnections();
      });
    },
  };
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Benchmarks run millions of requests: recording is off unless asked for.
  const mock = await startMockProvider({ port: Number(flag("port") ?? 4010), record: process.argv.includes("--record") });
  const chunks = flag("chunks");
  const delay = flag("chunk-delay-ms");
  mock.setStreaming({
    chunks: chunks ? Number(chunks) : undefined,
    chunkDelayMs: delay ? Number(delay) : undefined,
  });
  console.log(`mock provider listening on ${mock.url}`);
  console.log(`  openai:    ${mock.baseUrls.openai}`);
  console.log(`  anthropic: ${mock.baseUrls.anthropic}`);
  console.log(`  gemini:    ${mock.baseUrls.gemini}`);
  const stop = () => void mock.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
