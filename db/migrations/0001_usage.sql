CREATE TABLE "usage_daily" (
	"owner_id" text NOT NULL,
	"day" date NOT NULL,
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
	CONSTRAINT "usage_daily_owner_id_day_key_id_provider_model_pk" PRIMARY KEY("owner_id","day","key_id","provider","model")
);
--> statement-breakpoint
CREATE TABLE "usage_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"owner_id" text NOT NULL,
	"key_id" text NOT NULL,
	"environment" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"endpoint" text NOT NULL,
	"status" integer NOT NULL,
	"input_tokens" integer NOT NULL,
	"output_tokens" integer NOT NULL,
	"cached_input_tokens" integer NOT NULL,
	"cost_usd" numeric(20, 10),
	"latency_ms" integer NOT NULL,
	"ttfb_ms" integer,
	"streamed" boolean NOT NULL,
	"aborted" boolean NOT NULL
);
--> statement-breakpoint
CREATE INDEX "usage_daily_key_day_idx" ON "usage_daily" USING btree ("key_id","day");--> statement-breakpoint
CREATE INDEX "usage_events_owner_ts_idx" ON "usage_events" USING btree ("owner_id","ts");--> statement-breakpoint
CREATE INDEX "usage_events_key_ts_idx" ON "usage_events" USING btree ("key_id","ts");