import { pingDatabase } from "@/db/queries/health";
import { getEnv } from "@/lib/env";
import { policyRuntime } from "@/lib/limits/runtime";

// Unauthenticated on purpose (load balancers call it), so it says nothing secret.
export async function checkHealth() {
  const env = getEnv();
  const started = performance.now();
  let database: "ok" | "unreachable" = "ok";
  try {
    await Promise.race([pingDatabase(), new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 3_000).unref())]);
  } catch {
    database = "unreachable";
  }
  const limits = policyRuntime().limiter.status();
  const redis = !limits.redisConfigured
    ? "not configured"
    : limits.redisHealthy
      ? "ok"
      : limits.detail === "redis (connecting)"
        ? "connecting"
        : "unavailable";
  return {
    // Redis away is degraded, not down: the gateway serves on with per-instance limits.
    status: database === "ok" && redis !== "unavailable" ? ("ok" as const) : ("degraded" as const),
    database,
    database_latency_ms: Math.round((performance.now() - started) * 10) / 10,
    mode: env.clerkEnabled ? "clerk" : "local",
    redis,
    rate_limits: limits.backend === "redis" ? "shared" : "per-instance",
  };
}
