import Redis from "ioredis";
import { getEnv } from "@/lib/env";
import { forgetKey, setKeyChangeBroadcast } from "@/lib/keys/verifier";
import { processSingleton } from "@/lib/singleton";
import { createLimiter, type Limiter } from "./limiter";

// The per-process policy machinery, started once per process: the rate limiter, and with REDIS_URL the
// channel on which instances tell each other to forget a changed key.

const CHANNEL = "neuronedge:key-changed";

interface Runtime {
  limiter: Limiter;
  subscriber: Redis | null;
  publisher: Redis | null;
}

const holder = processSingleton("policyRuntime", () => ({ runtime: undefined as Runtime | undefined }));

function startBroadcast(url: string): Pick<Runtime, "subscriber" | "publisher"> {
  const options = { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1_000 };
  const subscriber = new Redis(url, { ...options, enableOfflineQueue: true });
  const publisher = new Redis(url, options);
  // Errors are the limiter's to report (it logs the outage once); here they are expected noise.
  subscriber.on("error", () => {});
  publisher.on("error", () => {});
  void subscriber.subscribe(CHANNEL).catch(() => {});
  subscriber.on("message", (_channel, id: string) => forgetKey(id));
  setKeyChangeBroadcast((id) => {
    // Without Redis the other instances notice within KEY_CACHE_TTL_MS instead.
    publisher.publish(CHANNEL, id).catch(() => {});
  });
  return { subscriber, publisher };
}

export function policyRuntime(): Runtime {
  if (holder.runtime) return holder.runtime;
  const env = getEnv();
  const limiter = createLimiter({
    redisUrl: env.REDIS_URL,
    redisTimeoutMs: env.RATE_LIMIT_REDIS_TIMEOUT_MS,
    whenRedisDown: env.RATE_LIMIT_WHEN_REDIS_DOWN,
  });
  const broadcast = env.REDIS_URL ? startBroadcast(env.REDIS_URL) : { subscriber: null, publisher: null };
  holder.runtime = { limiter, ...broadcast };
  return holder.runtime;
}

export async function closePolicyRuntime(): Promise<void> {
  const r = holder.runtime;
  holder.runtime = undefined;
  if (!r) return;
  setKeyChangeBroadcast(null);
  r.subscriber?.disconnect();
  r.publisher?.disconnect();
  await r.limiter.close();
}
