import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { describe, expect, it } from "vitest";

const migrations = join(process.cwd(), "db", "migrations");

// A database that recorded usage before the hourly rollups existed gets them filled from its
// events when it migrates: the last-24-hours view must not start empty after an upgrade.
describe("the hourly rollups migration", () => {
  it("sums the events already recorded into their UTC hours", async () => {
    const before = mkdtempSync(join(tmpdir(), "ne-migrations-"));
    const pg = new PGlite();
    try {
      // The migrations as they were before it.
      cpSync(migrations, before, { recursive: true });
      const journal = JSON.parse(readFileSync(join(before, "meta", "_journal.json"), "utf8"));
      const index = journal.entries.findIndex((e: { tag: string }) => e.tag === "0003_hourly");
      expect(index).toBeGreaterThan(0);
      journal.entries = journal.entries.slice(0, index);
      writeFileSync(join(before, "meta", "_journal.json"), JSON.stringify(journal));
      const db = drizzle(pg);
      await migrate(db, { migrationsFolder: before });

      await pg.exec(`set timezone = 'Asia/Kolkata'; -- half an hour off UTC: its hours are not UTC's
        insert into usage_events (ts, owner_id, key_id, environment, provider, model, endpoint, status, input_tokens,
          output_tokens, cached_input_tokens, cost_usd, latency_ms, ttfb_ms, streamed, aborted) values
        ('2026-11-20T10:15:00Z', 'o', 'k1', 'live', 'openai', 'm', '/chat/completions', 200, 10, 1, 0, 0.25, 5, null, false, false),
        ('2026-11-20T10:59:59Z', 'o', 'k1', 'live', 'openai', 'm', '/chat/completions', 500, 20, 2, 0, null, 5, null, false, false),
        ('2026-11-20T11:00:00Z', 'o', 'k1', 'live', 'openai', 'm', '/chat/completions', 200, 30, 3, 0, 0.5, 5, null, false, false),
        ('2026-11-20T10:30:00Z', 'o', 'k2', 'test', 'openai', 'm', '/chat/completions', 200, 40, 4, 0, 0, 5, null, false, false)`);
      await migrate(db, { migrationsFolder: migrations });

      const { rows } = await pg.query(`select key_id, to_char(hour at time zone 'UTC', 'YYYY-MM-DD"T"HH24') as hour, environment,
          requests::int, errors::int, input_tokens::int, cost_usd::float8 as cost, unpriced_requests::int as unpriced
        from usage_hourly order by 1, 2`);
      expect(rows).toEqual([
        { key_id: "k1", hour: "2026-11-20T10", environment: "live", requests: 2, errors: 1, input_tokens: 30, cost: 0.25, unpriced: 1 },
        { key_id: "k1", hour: "2026-11-20T11", environment: "live", requests: 1, errors: 0, input_tokens: 30, cost: 0.5, unpriced: 0 },
        { key_id: "k2", hour: "2026-11-20T10", environment: "test", requests: 1, errors: 0, input_tokens: 40, cost: 0, unpriced: 0 },
      ]);
    } finally {
      await pg.close();
      rmSync(before, { recursive: true, force: true });
    }
  });
});
