import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrateDatabase } from "./migrate";

// Two instances starting at once against one empty database must both come up.
describe.skipIf(!process.env.DATABASE_URL)("migrations on Postgres", () => {
  it("lets concurrent starts take turns (advisory lock) and applies each migration once", async () => {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const name = `ne_migrate_${process.pid}_${Date.now()}`;
    await admin.query(`create database ${name}`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    try {
      await Promise.all([1, 2, 3].map(() => migrateDatabase({ databaseUrl: url.toString() })));
      const check = new pg.Client({ connectionString: url.toString() });
      await check.connect();
      const applied = await check.query("select count(*)::int as n from drizzle.__drizzle_migrations");
      const tables = await check.query("select count(*)::int as n from information_schema.tables where table_name = 'api_keys'");
      await check.end();
      expect(tables.rows[0].n).toBe(1);
      expect(applied.rows[0].n).toBeGreaterThan(0);
      const files = (await import("node:fs")).readdirSync(new URL("./migrations", import.meta.url)).filter((f) => f.endsWith(".sql"));
      expect(applied.rows[0].n).toBe(files.length);
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
