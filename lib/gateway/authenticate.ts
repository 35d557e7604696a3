import { AppError } from "@/lib/errors";
import { looksLikeGatewayKey } from "@/lib/keys/format";
import { keyRefusal } from "@/lib/keys/refusals";
import { verifyKey, type VerifiedKey } from "@/lib/keys/verifier";
import { KEY_HEADERS } from "./formats";
import type { HeaderSource } from "./types";

// Who is calling through /v1: the gateway key, wherever the caller's SDK put it.

/** The gateway key may come as a Bearer token, or in the provider's own key header (SDKs put it there). */
function gatewayKeyFrom(headers: HeaderSource): string | null {
  const auth = headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(\S+)/i.exec(auth);
    if (m && looksLikeGatewayKey(m[1])) return m[1];
  }
  for (const name of KEY_HEADERS) {
    const v = headers.get(name);
    if (v && looksLikeGatewayKey(v)) return v;
  }
  return null;
}

export async function authenticateKey(headers: HeaderSource): Promise<VerifiedKey> {
  const token = gatewayKeyFrom(headers);
  if (!token) {
    throw new AppError("unauthorized", "Missing NeuronEdge API key: send it as 'Authorization: Bearer ne_live_…'.");
  }
  const result = await verifyKey(token);
  if (!result.ok) throw new AppError("unauthorized", keyRefusal(result.reason));
  if (!result.key.permissions.includes("proxy")) {
    throw new AppError("forbidden", "This NeuronEdge API key lacks the 'proxy' permission.");
  }
  return result.key;
}
