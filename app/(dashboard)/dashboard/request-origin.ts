import { headers } from "next/headers";
import { isLoopbackName } from "@/lib/auth/local-guard";

/** The address people reach this dashboard at, which is also where their apps reach the gateway. */
export async function requestOrigin(): Promise<string> {
  const h = await headers();
  const host = h.get("x-forwarded-host")?.split(",")[0].trim() || h.get("host") || "localhost:3000";
  const proto = h.get("x-forwarded-proto")?.split(",")[0].trim() || (isLoopbackName(host) ? "http" : "https");
  return `${proto}://${host}`;
}
