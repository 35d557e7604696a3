CREATE TABLE "usage_hourly" (
	"owner_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"key_id" text NOT NULL,
	"environment" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"requests" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"cached_input_tokens" bigint NOT NULL,
	"cost_usd" numeric(24, 10) NOT NULL,
	"unpriced_requests" bigint NOT NULL,
	CONSTRAINT "usage_hourly_owner_id_hour_key_id_provider_model_pk" PRIMARY KEY("owner_id","hour","key_id","provider","model")
);
--> statement-breakpoint
CREATE INDEX "usage_hourly_key_hour_idx" ON "usage_hourly" USING btree ("key_id","hour");--> statement-breakpoint
-- The events recorded before this migration, summed into their hours once (hours in UTC).
INSERT INTO "usage_hourly" ("owner_id", "hour", "key_id", "environment", "provider", "model", "requests", "errors", "input_tokens", "output_tokens", "cached_input_tokens", "cost_usd", "unpriced_requests")
SELECT "owner_id", date_trunc('hour', "ts", 'UTC'), "key_id", min("environment"), "provider", "model", count(*),
       count(*) FILTER (WHERE "status" >= 400), sum("input_tokens"), sum("output_tokens"), sum("cached_input_tokens"),
       coalesce(sum("cost_usd"), 0), count(*) FILTER (WHERE "cost_usd" IS NULL)
FROM "usage_events"
GROUP BY "owner_id", date_trunc('hour', "ts", 'UTC'), "key_id", "provider", "model";
