import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrationsBefore, scratchPostgres } from "@/testing/scratch-database";

// An upgrade turns the raw events' table into monthly partitions (migration 0007): not one event
// may be lost, changed or renumbered on the way, on the embedded database as on Postgres.

interface Raw {
  query: <T = Record<string, unknown>>(text: string) => Promise<T[]>;
  migrate: (folder: string) => Promise<void>;
  close: () => Promise<void>;
}

async function openDatabase(): Promise<Raw> {
  if (!process.env.DATABASE_URL) {
    const client = new PGlite();
    const db = drizzlePglite(client);
    return {
      query: async <T>(text: string) => (await client.query<T>(text)).rows,
      migrate: (folder) => migratePglite(db, { migrationsFolder: folder }),
      close: () => client.close(),
    };
  }
  const scratch = await scratchPostgres("partmig");
  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  const db = drizzlePg(client);
  return {
    query: async <T>(text: string) => (await client.query(text)).rows as T[],
    migrate: (folder) => migratePg(db, { migrationsFolder: folder }),
    close: async () => {
      await client.end();
      await scratch.drop();
    },
  };
}

const COLUMNS = `ts, owner_id, key_id, environment, provider, model, endpoint, status, input_tokens, output_tokens,
  cached_input_tokens, cost_usd, latency_ms, ttfb_ms, streamed, aborted`;

// Every row, in full, in id order: equal digests mean equal rows.
const DIGEST = `select count(*)::int as n, max(id)::text as max_id, sum(input_tokens)::text as input, sum(cost_usd)::text as cost,
  md5(string_agg(e::text, '|' order by id)) as rows from usage_events e`;

describe("migration 0007: usage events partitioned by month", () => {
  it("moves every event into its month's partition, ids and all, and new ids go on after them", async () => {
    const before = migrationsBefore("0007_usage_partitions");
    const db = await openDatabase();
    try {
      await db.migrate(before.folder);
      // 30,000 events over the last eight months, some unpriced, and two from a clock far off.
      await db.query(`insert into usage_events (${COLUMNS})
        select now() - i * interval '691 seconds', 'o' || i % 3, 'k' || i % 7, case when i % 5 = 0 then 'test' else 'live' end,
          'openai', 'm' || i % 4, '/chat/completions', case when i % 11 = 0 then 500 else 200 end, i % 1000, i % 97, i % 13,
          case when i % 17 = 0 then null else (i % 1000) * 0.0000012345 end, 100 + i % 50, nullif(i % 3, 0), i % 2 = 0, i % 29 = 0
        from generate_series(1, 30000) as i`);
      await db.query(`insert into usage_events (${COLUMNS}) values
        ('2001-02-03T04:05:06Z', 'o0', 'k0', 'live', 'openai', 'm', '/chat/completions', 200, 1, 1, 0, 0.5, 10, null, false, false),
        ('2040-01-01T00:00:00Z', 'o0', 'k0', 'live', 'openai', 'm', '/chat/completions', 200, 2, 2, 0, 0.25, 10, null, false, false)`);
      const [was] = await db.query(DIGEST);
      const months = await db.query<{
        name: string;
        n: number;
      }>(`select 'usage_events_' || to_char(ts at time zone 'UTC', 'YYYY_MM') as name,
          count(*)::int as n from usage_events where ts > '2001-12-31' and ts < '2040-01-01' group by 1 order by 1`);
      expect(months.length).toBeGreaterThanOrEqual(8);

      await db.migrate(`${process.cwd()}/db/migrations`);

      expect(await db.query(DIGEST)).toEqual([was]);
      const [kind] = await db.query<{ relkind: string }>("select relkind from pg_class where relname = 'usage_events'");
      expect(kind.relkind).toBe("p");
      // Each month's events are in that month's partition; the far-off two in the default one.
      for (const m of months) {
        const [{ n }] = await db.query<{ n: number }>(`select count(*)::int as n from ${m.name}`);
        expect({ month: m.name, n }).toEqual({ month: m.name, n: m.n });
      }
      const [def] = await db.query<{ n: number }>("select count(*)::int as n from usage_events_default");
      expect(def.n).toBe(2);
      // This month and the next three are ready before any event needs them.
      const ahead = await db.query<{ name: string }>(`select 'usage_events_' || to_char(date_trunc('month', now() at time zone 'UTC')
          + make_interval(months => i), 'YYYY_MM') as name from generate_series(0, 3) as i`);
      const partitions = await db.query<{ name: string }>(
        "select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'usage_events'::regclass",
      );
      expect(partitions.map((p) => p.name)).toEqual(expect.arrayContaining([...ahead.map((a) => a.name), "usage_events_default"]));

      const [pk] = await db.query<{ def: string }>(
        "select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'usage_events'::regclass and contype = 'p'",
      );
      expect(pk.def).toBe("PRIMARY KEY (ts, id)");
      const indexes = await db.query<{ name: string }>("select indexname as name from pg_indexes where tablename = 'usage_events'");
      expect(indexes.map((i) => i.name).sort()).toEqual([
        "usage_events_id_idx",
        "usage_events_key_ts_idx",
        "usage_events_owner_ts_idx",
        "usage_events_ts_id_pk",
      ]);
      const [next] = await db.query<{ id: string }>(`insert into usage_events (${COLUMNS}) values
        (now(), 'o0', 'k0', 'live', 'openai', 'm', '/chat/completions', 200, 1, 1, 0, 0.5, 10, null, false, false) returning id::text`);
      expect(BigInt(next.id)).toBe(BigInt(String(was.max_id)) + 1n);
    } finally {
      await db.close();
      before.remove();
    }
  });
});
