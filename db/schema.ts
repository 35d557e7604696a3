import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const apiKeys = pgTable(
  "api_keys",
  {
    /** `key_<12 base62>`; the same characters follow `ne_<env>_` in the key itself. */
    id: text("id").primaryKey(),
    /** Clerk organization id, Clerk user id, or `local`. */
    ownerId: text("owner_id").notNull(),
    name: text("name").notNull(),
    environment: text("environment", { enum: ["live", "test"] }).notNull(),
    prefix: text("prefix").notNull(),
    /** bcrypt of the full key. The key itself is never stored. */
    keyHash: text("key_hash").notNull(),
    permissions: text("permissions").array().notNull().default(sql`'{proxy}'::text[]`),
    createdBy: text("created_by").notNull(),
    createdAt: tstz("created_at").notNull().defaultNow(),
    lastUsedAt: tstz("last_used_at"),
    revokedAt: tstz("revoked_at"),
    /** Set while the owner has the key disabled: refused like a revoked key, until enabled again. */
    disabledAt: tstz("disabled_at"),
    expiresAt: tstz("expires_at"),
    // Policy: each limit and list is optional; null means "no limit" / "any".
    requestsPerMinute: integer("requests_per_minute"),
    tokensPerMinute: integer("tokens_per_minute"),
    monthlyBudgetUsd: numeric("monthly_budget_usd", { precision: 14, scale: 4, mode: "number" }),
    allowedProviders: text("allowed_providers").array(),
    /** Exact model names, or prefixes ending in `*`. */
    allowedModels: text("allowed_models").array(),
    /** Set on a rolled key: its successor. */
    replacedBy: text("replaced_by"),
    /** Set on a key made by a roll: its predecessor. */
    rolledFrom: text("rolled_from"),
    /** Last change a verifier must see (revoke, disable, enable, roll, policy, rename); not last use. */
    changedAt: tstz("changed_at").notNull().defaultNow(),
  },
  (t) => [
    index("api_keys_owner_created_idx").on(t.ownerId, t.createdAt),
    index("api_keys_changed_at_idx").on(t.changedAt),
    check("api_keys_environment_check", sql`${t.environment} in ('live', 'test')`),
  ],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKeyRow = typeof apiKeys.$inferInsert;

/**
 * One row per proxied call. Written in batches off the request path. Partitioned by month on ts
 * (migration 0007, which drizzle-kit cannot express), so retention drops whole months; hence ts
 * in the primary key, which Postgres requires of a partitioned table.
 */
export const usageEvents = pgTable(
  "usage_events",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    ts: tstz("ts").notNull(),
    ownerId: text("owner_id").notNull(),
    keyId: text("key_id").notNull(),
    environment: text("environment", { enum: ["live", "test"] }).notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    endpoint: text("endpoint").notNull(),
    status: integer("status").notNull(),
    inputTokens: integer("input_tokens").notNull(),
    outputTokens: integer("output_tokens").notNull(),
    cachedInputTokens: integer("cached_input_tokens").notNull(),
    /** Null when the model is not in the pricing table: unknown, never silently $0. */
    costUsd: numeric("cost_usd", { precision: 20, scale: 10, mode: "number" }),
    latencyMs: integer("latency_ms").notNull(),
    ttfbMs: integer("ttfb_ms"),
    streamed: boolean("streamed").notNull(),
    aborted: boolean("aborted").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.ts, t.id] }),
    // A key page's cursor names a request by id alone.
    index("usage_events_id_idx").on(t.id),
    index("usage_events_owner_ts_idx").on(t.ownerId, t.ts),
    index("usage_events_key_ts_idx").on(t.keyId, t.ts),
  ],
);

/** What a rollup row sums; the daily and hourly rollups have the same. */
const rollupSums = () => ({
  requests: bigint("requests", { mode: "number" }).notNull(),
  errors: bigint("errors", { mode: "number" }).notNull(),
  inputTokens: bigint("input_tokens", { mode: "number" }).notNull(),
  outputTokens: bigint("output_tokens", { mode: "number" }).notNull(),
  cachedInputTokens: bigint("cached_input_tokens", { mode: "number" }).notNull(),
  costUsd: numeric("cost_usd", { precision: 24, scale: 10, mode: "number" }).notNull(),
  /** Requests whose model had no price: their cost is not in cost_usd. */
  unpricedRequests: bigint("unpriced_requests", { mode: "number" }).notNull(),
});

/** Daily rollups, maintained as events land: the dashboard and usage API read these. */
export const usageDaily = pgTable(
  "usage_daily",
  {
    ownerId: text("owner_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    keyId: text("key_id").notNull(),
    environment: text("environment", { enum: ["live", "test"] }).notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    ...rollupSums(),
  },
  (t) => [primaryKey({ columns: [t.ownerId, t.day, t.keyId, t.provider, t.model] }), index("usage_daily_key_day_idx").on(t.keyId, t.day)],
);

/**
 * Hourly rollups, written with the daily ones: ranges with a time of day (the dashboard's last 24
 * hours, a key's last week for the anomaly notice) read whole hours here and only their partial
 * first and last hours from the raw events.
 */
export const usageHourly = pgTable(
  "usage_hourly",
  {
    ownerId: text("owner_id").notNull(),
    /** The start of the UTC hour. */
    hour: tstz("hour").notNull(),
    keyId: text("key_id").notNull(),
    environment: text("environment", { enum: ["live", "test"] }).notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    ...rollupSums(),
  },
  (t) => [
    primaryKey({ columns: [t.ownerId, t.hour, t.keyId, t.provider, t.model] }),
    index("usage_hourly_key_hour_idx").on(t.keyId, t.hour),
  ],
);

/** Who changed which key, when, how, and from where. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    ts: tstz("ts").notNull().defaultNow(),
    ownerId: text("owner_id").notNull(),
    actorId: text("actor_id").notNull(),
    /** The actor's Clerk organisation role (`org:admin`, `org:member`, …); null outside an organisation. */
    actorRole: text("actor_role"),
    /** key.create, key.rename, key.update, key.revoke, key.roll, key.disable, key.enable */
    action: text("action").notNull(),
    keyId: text("key_id"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    ip: text("ip"),
  },
  (t) => [index("audit_events_owner_ts_idx").on(t.ownerId, t.ts), index("audit_events_key_ts_idx").on(t.keyId, t.ts)],
);

export type UsageEventRow = typeof usageEvents.$inferInsert;
