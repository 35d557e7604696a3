import { pingDatabase } from "@/db/queries/health";
import { getEnv } from "@/lib/env";
import { isDraining } from "@/lib/lifecycle";
import { policyRuntime } from "@/lib/limits/runtime";

// Unauthenticated on purpose (load balancers call it), so it says nothing secret.

/** A ping bounded to a few seconds: a stalled database answers "unreachable", never hangs the probe. */
async function databaseReachable(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([pingDatabase(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), 3_000)))]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** May a load balancer send this instance traffic? Not while it drains for a stop, nor without its database. */
export async function checkReadiness() {
  const draining = isDraining();
  const database = (await databaseReachable()) ? ("ok" as const) : ("unreachable" as const);
  return { ready: !draining && database === "ok", draining, database };
}

export async function checkHealth() {
  const env = getEnv();
  const started = performance.now();
  const database = (await databaseReachable()) ? ("ok" as const) : ("unreachable" as const);
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
    rate_limits: limits.backend === "redis" ? "shared" : limits.redisConfigured ? "per-instance share" : "per-instance",
    ...(limits.instances !== undefined ? { instances: limits.instances } : {}),
    draining: isDraining(),
  };
}
