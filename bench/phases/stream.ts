// Phase 3: streamed chat completions, timed to the first chunk and to the end, in two shapes.
import { CHAT, timeStreams } from "../lib/load";
import { FIRST_CHUNK_GAP_MS } from "../options";
import type { BenchContext } from "../start";

export async function streamPhase(ctx: BenchContext): Promise<{ stream: unknown; streamBurst: unknown }> {
  const { opt } = ctx;
  // The bare proxy too: what any Node proxy adds on this machine, the floor for the gateway's figure.
  const ts = [ctx.direct, ctx.bare, ctx.gateway];
  // As a model streams: the first chunk travels alone, so its time is the time to first chunk.
  const paced = JSON.stringify({ ...CHAT, model: "bench-paced", stream: true });
  const stream = {
    chunks: opt.streamChunks,
    requests: opt.streamRequests,
    gapMs: FIRST_CHUNK_GAP_MS,
    ...(await timeStreams(ts, paced, opt.streamRequests, "stream")),
  };
  // Every chunk back to back: the upstream sends the whole stream in one write, so the "first
  // chunk" is most of the body and the whole-stream time is what this shape measures.
  const burst = JSON.stringify({ ...CHAT, stream: true });
  const streamBurst = {
    chunks: opt.streamChunks,
    requests: opt.streamRequests,
    ...(await timeStreams(ts, burst, opt.streamRequests, "burst")),
  };
  return { stream, streamBurst };
}
