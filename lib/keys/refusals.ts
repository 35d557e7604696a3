import type { Verification } from "./verifier";

// One wording for a refused gateway key, whichever door it came through (/v1 or /api).

const refusals: Record<Extract<Verification, { ok: false }>["reason"], string> = {
  malformed: "Invalid NeuronEdge API key. Gateway keys look like ne_live_… or ne_test_….",
  invalid: "Invalid NeuronEdge API key.",
  revoked: "This NeuronEdge API key has been revoked.",
  expired: "This NeuronEdge API key has expired.",
  disabled: "This NeuronEdge API key is disabled. Its owner can enable it again.",
};

export function keyRefusal(reason: keyof typeof refusals): string {
  return refusals[reason];
}
