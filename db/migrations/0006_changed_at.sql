ALTER TABLE "api_keys" ADD COLUMN "changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "api_keys_changed_at_idx" ON "api_keys" USING btree ("changed_at");