// Phase 4: large bodies both ways, a big prompt in and a long streamed response out.
import { measure, timeStreams } from "../lib/load";
import { log } from "../lib/log";
import { percentile, round } from "../lib/stats";
import type { BenchContext } from "../start";

export async function largePhase(ctx: BenchContext): Promise<{ largePrompt: unknown; largeStream: unknown }> {
  const { opt } = ctx;
  // A 1 MB prompt: the JSON is mostly one long user message.
  const filler = "The quick brown fox jumps over the lazy dog. ";
  const content = filler.repeat(Math.ceil(opt.promptBytes / filler.length)).slice(0, opt.promptBytes);
  const bigBody = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] });
  const largePrompt: Record<string, unknown> = { bytes: Buffer.byteLength(bigBody), requests: opt.promptRequests };
  for (const t of [ctx.direct, ctx.gateway]) {
    const r = await measure(t, { connections: 1, amount: opt.promptRequests, body: bigBody }, "1 MB prompt", opt.warmup);
    largePrompt[t.name] = { p50Ms: round(percentile(r.latencies, 0.5)), p99Ms: round(percentile(r.latencies, 0.99)) };
    log(
      `1 MB prompt ${t.name.padEnd(8)} p50 ${percentile(r.latencies, 0.5).toFixed(3)} ms  p99 ${percentile(r.latencies, 0.99).toFixed(3)} ms  (1 connection, ${r.requests} requests)`,
    );
  }
  const streamBody = JSON.stringify({ model: "bench-large", stream: true, messages: [{ role: "user", content: "Tell me everything." }] });
  const largeStream = {
    chunks: opt.largeChunks,
    chunkBytes: opt.largeChunkBytes,
    requests: opt.largeRequests,
    ...(await timeStreams([ctx.direct, ctx.bare, ctx.gateway], streamBody, opt.largeRequests, "large SSE")),
  };
  return { largePrompt, largeStream };
}
