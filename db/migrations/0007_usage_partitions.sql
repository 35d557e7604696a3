-- Raw usage events partitioned by month on ts, so that retention (USAGE_RETENTION_DAYS) drops whole
-- months rather than deleting their rows one by one. Every row moves across with its id; the id
-- sequence is kept, so ids go on from where they were. Months are UTC months.
ALTER TABLE "usage_events" RENAME TO "usage_events_unpartitioned";--> statement-breakpoint
DROP INDEX "usage_events_owner_ts_idx";--> statement-breakpoint
DROP INDEX "usage_events_key_ts_idx";--> statement-breakpoint
-- The sequence outlives the old table it belonged to.
ALTER SEQUENCE "usage_events_id_seq" OWNED BY NONE;--> statement-breakpoint
CREATE TABLE "usage_events" (
	"id" bigint DEFAULT nextval('usage_events_id_seq'::regclass) NOT NULL,
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
) PARTITION BY RANGE ("ts");--> statement-breakpoint
ALTER SEQUENCE "usage_events_id_seq" OWNED BY "usage_events"."id";--> statement-breakpoint
-- Whatever month has no partition of its own lands here: an insert never fails for want of one.
CREATE TABLE "usage_events_default" PARTITION OF "usage_events" DEFAULT;--> statement-breakpoint
-- A partition for each month that has events (within ten years back; a far-off clock's few rows
-- stay in the default partition rather than making hundreds of partitions), and for this month
-- and the next three. The same names and bounds as lib/usage/partitions.ts makes later.
DO $$
DECLARE
	m timestamp;
BEGIN
	FOR m IN
		SELECT DISTINCT date_trunc('month', "ts" AT TIME ZONE 'UTC') FROM "usage_events_unpartitioned"
			WHERE "ts" >= now() - interval '10 years' AND "ts" < date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
		UNION
		SELECT generate_series(date_trunc('month', now() AT TIME ZONE 'UTC'),
			date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months', interval '1 month')
	LOOP
		EXECUTE format('CREATE TABLE %I PARTITION OF "usage_events" FOR VALUES FROM (%L) TO (%L)',
			'usage_events_' || to_char(m, 'YYYY_MM'),
			to_char(m, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
			to_char(m + interval '1 month', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
	END LOOP;
END $$;--> statement-breakpoint
INSERT INTO "usage_events" ("id", "ts", "owner_id", "key_id", "environment", "provider", "model", "endpoint", "status",
	"input_tokens", "output_tokens", "cached_input_tokens", "cost_usd", "latency_ms", "ttfb_ms", "streamed", "aborted")
SELECT "id", "ts", "owner_id", "key_id", "environment", "provider", "model", "endpoint", "status",
	"input_tokens", "output_tokens", "cached_input_tokens", "cost_usd", "latency_ms", "ttfb_ms", "streamed", "aborted"
FROM "usage_events_unpartitioned";--> statement-breakpoint
DROP TABLE "usage_events_unpartitioned";--> statement-breakpoint
-- Indexes after the rows, built once rather than row by row. Postgres requires the partition key in
-- a partitioned table's primary key; a key page's cursor names a request by id alone.
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_ts_id_pk" PRIMARY KEY("ts","id");--> statement-breakpoint
CREATE INDEX "usage_events_id_idx" ON "usage_events" USING btree ("id");--> statement-breakpoint
CREATE INDEX "usage_events_owner_ts_idx" ON "usage_events" USING btree ("owner_id","ts");--> statement-breakpoint
CREATE INDEX "usage_events_key_ts_idx" ON "usage_events" USING btree ("key_id","ts");
