import { z } from "zod";

// The only reader of process.env. Everything else asks getEnv().
// Values are read at run time (never inlined by the Next build), so one build
// serves local mode, Clerk mode and any database.

const flag = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: optionalString,
  DATA_DIR: z.string().default("./.data"),
  // The embedded database's page cache (Postgres' shared_buffers): its default is most of the
  // gateway's memory, and the OS caches the data files behind it anyway; a small cache costs
  // aggregate scans only a few percent (docs/performance.md).
  PGLITE_SHARED_BUFFERS: z
    .string()
    .regex(/^\d+(kB|MB|GB)$/, "a size such as 16MB")
    .default("16MB"),
  DATABASE_URL: optionalString,
  DATABASE_DRIVER: z.enum(["pg", "neon", "pglite"]).optional(),
  REDIS_URL: optionalString,
  /** A rate-limit call waits this long for Redis; one slow answer is not an outage. */
  RATE_LIMIT_REDIS_TIMEOUT_MS: z.coerce.number().int().min(20).max(30_000).default(1_000),
  /** While Redis is away: each instance admits its share of a limit, or limited keys get 429. */
  RATE_LIMIT_WHEN_REDIS_DOWN: z.enum(["share", "refuse"]).default("share"),
  CLERK_SECRET_KEY: optionalString,
  NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: optionalString,
  CLERK_JWT_KEY: optionalString,
  CLERK_AUTHORIZED_PARTIES: optionalString,
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(10),
  KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  MAX_REQUEST_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(300_000),
  PRICING_FILE: optionalString,
  NEURONEDGE_UNSAFE_ALLOW_PUBLIC_LOCAL_MODE: flag,
  // Hardening: every wait and queue has a bound (docs/design.md, "Bounds").
  /** Comma-separated CIDRs whose X-Forwarded-For is believed; empty: only the socket's peer counts. */
  TRUSTED_PROXIES: optionalString,
  /** Clerk organisations: may `org:member` manage keys (create, rename, revoke, roll)? Admins always may. */
  CLERK_MEMBER_CAN_MANAGE_KEYS: flag,
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /** Per query (Postgres statement_timeout and the client's own wait). */
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /** A usage read (dashboard, usage API) gives up after this long with 504; on Postgres its statement timeout. */
  USAGE_READ_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /** Rows a usage read scans a statement; default 2,000 embedded (each statement holds the event loop), 100,000 on Postgres. */
  USAGE_READ_SLICE_ROWS: z.coerce.number().int().min(1).max(10_000_000).optional(),
  /** Rows a usage answer may hold; a read past it is refused with 400 (narrow the range or the grouping). */
  USAGE_READ_MAX_ROWS: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
  /** Cold key verifications (bcrypt) waiting at once; beyond it, 503 with Retry-After. */
  KEY_VERIFY_QUEUE_MAX: z.coerce.number().int().min(1).max(100_000).default(256),
  /** bcrypt threads; default: one per core beyond the first, at most 4. */
  BCRYPT_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  /** node:http server: time to receive a request's headers. */
  SERVER_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(20_000),
  /** Longest pause between two pieces of a request body before 408. */
  SERVER_BODY_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(15_000),
  /** An idle keep-alive connection closes after this. */
  SERVER_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(65_000),
  /** Open connections at once; beyond it new ones are refused. */
  SERVER_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** On SIGTERM: readiness fails at once, and new connections are still taken for this long (default: 5 s, 0 in local mode). */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(300_000).optional(),
  /** Then open requests and streams get this long to finish before they are cut (and recorded as aborted). */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(25_000),
  /**
   * Days raw usage events are kept (0: for ever, so that an upgrade deletes nothing); the rollups are
   * always kept. At least 8 when set: the dashboard reads raw events up to a week and an hour back.
   */
  USAGE_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .max(36_500)
    .refine((d) => d === 0 || d >= 8, "0 (keep for ever) or at least 8 days")
    .default(0),
});

export type Env = z.infer<typeof schema> & {
  clerkEnabled: boolean;
  authorizedParties: string[];
  /** Where Postgres lives and how we talk to it. */
  dbDriver: "pglite" | "pg" | "neon";
  host: string;
  /** TRUSTED_PROXIES, split. */
  trustedProxies: string[];
  shutdownDrainMs: number;
};

let cached: Env | undefined;

// Read by names known only at run time: Next inlines NEXT_PUBLIC_* at build time wherever
// the name is a constant (even "NEXT_PUBLIC_" + "…"), which would freeze Clerk mode into
// the build. The e2e Clerk-mode spec starts a local-mode build in Clerk mode to prove it.
function readRaw(): Record<string, string | undefined> {
  const src = process.env;
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) out[key] = src[key];
  return out;
}

const list = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export function parseEnv(raw: Record<string, string | undefined>): Env {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const clerkEnabled = Boolean(e.CLERK_SECRET_KEY && e.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY);
  const dbDriver = !e.DATABASE_URL
    ? "pglite"
    : (e.DATABASE_DRIVER ?? (/\.neon\.tech(:|\/|$)/.test(`${new URL(e.DATABASE_URL).host}/`) ? "neon" : "pg"));
  return {
    ...e,
    clerkEnabled,
    dbDriver: e.DATABASE_DRIVER === "pglite" ? "pglite" : dbDriver,
    // Local mode binds loopback unless told otherwise; Clerk mode serves everyone.
    host: e.HOST ?? (clerkEnabled ? "0.0.0.0" : "127.0.0.1"),
    authorizedParties: list(e.CLERK_AUTHORIZED_PARTIES),
    trustedProxies: list(e.TRUSTED_PROXIES),
    // Local mode listens on loopback, where no load balancer needs time to notice the drain.
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS ?? (clerkEnabled ? 5_000 : 0),
  };
}

export function getEnv(): Env {
  return (cached ??= parseEnv(readRaw()));
}

/** Tests change process.env between cases; this forgets the parsed copy. */
export function resetEnv(): void {
  cached = undefined;
  overrides.clear();
}

// Read once per provider (until resetEnv): process.env lookups showed in the proxy's profile.
const overrides = new Map<string, string | undefined>();

/** `PROVIDER_<ID>_BASE_URL`: the operator's replacement for a provider's base URL. */
export function providerBaseUrlOverride(providerId: string): string | undefined {
  if (overrides.has(providerId)) return overrides.get(providerId);
  const v = process.env[`PROVIDER_${providerId.toUpperCase().replace(/-/g, "_")}_BASE_URL`];
  const url = v && v.trim() !== "" ? v.trim().replace(/\/+$/, "") : undefined;
  overrides.set(providerId, url);
  return url;
}
