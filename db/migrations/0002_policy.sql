CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ts" timestamp with time zone DEFAULT now() NOT NULL,
	"owner_id" text NOT NULL,
	"actor_id" text NOT NULL,
	"action" text NOT NULL,
	"key_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ip" text
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "requests_per_minute" integer;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "tokens_per_minute" integer;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "monthly_budget_usd" numeric(14, 4);--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "allowed_providers" text[];--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "allowed_models" text[];--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "replaced_by" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "rolled_from" text;--> statement-breakpoint
CREATE INDEX "audit_events_owner_ts_idx" ON "audit_events" USING btree ("owner_id","ts");--> statement-breakpoint
CREATE INDEX "audit_events_key_ts_idx" ON "audit_events" USING btree ("key_id","ts");