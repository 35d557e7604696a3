import { pingDatabase } from "@/db/queries/health";
import { getEnv } from "@/lib/env";

// Unauthenticated on purpose (load balancers call it), so it says nothing secret.
export async function checkHealth() {
  const env = getEnv();
  const started = performance.now();
  let database: "ok" | "unreachable" = "ok";
  try {
    await Promise.race([
      pingDatabase(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 3_000).unref()),
    ]);
  } catch {
    database = "unreachable";
  }
  return {
    status: database === "ok" ? ("ok" as const) : ("degraded" as const),
    database,
    database_latency_ms: Math.round((performance.now() - started) * 10) / 10,
    mode: env.clerkEnabled ? "clerk" : "local",
  };
}
