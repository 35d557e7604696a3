import { after } from "next/server";
import { handleWebRequest } from "@/lib/gateway/web";
import { flushAllUsage } from "@/lib/lifecycle";

/** How long a request's after() keeps trying to write usage before the instance may be frozen. */
const FLUSH_WITHIN_MS = 5_000;

// The serverless door to the gateway core. `npm start` answers /v1/* in server.ts
// instead, ahead of Next's request pipeline.

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

async function proxy(req: Request): Promise<Response> {
  // Once the response has finished (streams included), write its usage before the serverless
  // instance may be frozen, retrying on the recorder's backoff for a few seconds if it fails.
  try {
    after(() => flushAllUsage(FLUSH_WITHIN_MS, { urgent: false }));
  } catch {
    // Outside a Next request scope (the tests call this handler directly): the
    // recorder's own one-second timer writes the events instead.
  }
  return handleWebRequest(req);
}

export const GET = proxy;
export const POST = proxy;
export const PUT = proxy;
export const PATCH = proxy;
export const DELETE = proxy;
