import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { getEnv, resetEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { uniqueOwner, useDatabase } from "@/testing/db";
import { usageGroups } from "./usage-read";
import { boundedRead } from "./usage-slices";

// A usage read must never hold the proxy: on the embedded database it lets the event loop go
// between short statements, and everywhere it ends at its deadline with a clear error.

useDatabase();

const embedded = !process.env.DATABASE_URL;

afterEach(() => {
  for (const name of ["USAGE_READ_SLICE_ROWS", "USAGE_READ_TIMEOUT_MS"]) delete process.env[name];
  resetEnv();
});

function setEnv(values: Record<string, string>) {
  Object.assign(process.env, values);
  resetEnv();
}

/** `days` days of daily rollups for `keys` keys of a new owner, written directly. */
async function dailyRows(days: number, keys: number): Promise<string> {
  const ownerId = uniqueOwner();
  const db = await getDb();
  await db.execute(sql`insert into usage_daily (owner_id, day, key_id, environment, provider, model, requests, errors, input_tokens,
      output_tokens, cached_input_tokens, cost_usd, unpriced_requests)
    select ${ownerId}, '2026-01-01'::date + d, 'key_' || k, 'live', 'openai', 'm', 1, 0, 10, 1, 0, 0.0001, 0
    from generate_series(0, ${days - 1}::int) as d, generate_series(1, ${keys}::int) as k`);
  return ownerId;
}

const wholeRange = (ownerId: string, days: number) => ({
  ownerId,
  range: { kind: "days" as const, from: "2026-01-01", to: new Date(Date.UTC(2026, 0, days)).toISOString().slice(0, 10) },
});

describe("a usage read and the proxy on the embedded database", () => {
  // On Postgres the database runs elsewhere: nothing here waits for it.
  it.runIf(embedded)("answers other requests while a long read is under way", async () => {
    const ownerId = await dailyRows(300, 10);
    setEnv({ USAGE_READ_SLICE_ROWS: "100" });
    const server = createServer((_, res) => res.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      let done = false;
      let answered = 0;
      const read = usageGroups({ filter: wholeRange(ownerId, 300), groupBy: [] }).finally(() => (done = true));
      // Requests one after another, as long as the read lasts (3,000 rows: 30 statements).
      const requests = (async () => {
        for (let i = 0; i < 1000 && !done; i++) if ((await (await fetch(url)).text()) === "ok" && !done) answered++;
      })();
      const [total] = await read;
      await requests;
      expect(total.requests).toBe(3000);
      expect(answered).toBeGreaterThanOrEqual(5);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("a usage read's deadline", () => {
  it("ends a read of many statements with 504 once USAGE_READ_TIMEOUT_MS has passed", async () => {
    const ownerId = await dailyRows(366, 6);
    setEnv({ USAGE_READ_SLICE_ROWS: "1", USAGE_READ_TIMEOUT_MS: "100" });
    const err = await usageGroups({ filter: wholeRange(ownerId, 366), groupBy: ["day"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(504);
    expect((err as AppError).message).toMatch(/longer than 0\.1 s.*shorter range/);
  });

  // The embedded database has no timer to cancel a statement with (the next test).
  it.skipIf(embedded)("on Postgres, cancels a statement at the deadline and leaves the connection's own timeout as it was", async () => {
    setEnv({ USAGE_READ_TIMEOUT_MS: "200" });
    const err = await boundedRead((s) => s.rows(sql`select pg_sleep(3)`)).catch((e: unknown) => e);
    expect((err as AppError).status).toBe(504);
    expect(await boundedRead((s) => s.rows(sql`select 1 as one`))).toEqual([{ one: 1 }]);
    const db = await getDb();
    // Every pooled connection keeps DATABASE_QUERY_TIMEOUT_MS for the queries after the read.
    const shown = await Promise.all(
      Array.from(
        { length: 10 },
        async () => ((await db.execute(sql`show statement_timeout`)) as unknown as { rows: { statement_timeout: string }[] }).rows[0],
      ),
    );
    const own = getEnv().DATABASE_QUERY_TIMEOUT_MS;
    expect(new Set(shown.map((r) => r.statement_timeout))).toEqual(new Set([own % 1000 ? `${own}ms` : `${own / 1000}s`]));
  });

  it.runIf(embedded)("on the embedded database, runs no statement once the deadline has passed", async () => {
    setEnv({ USAGE_READ_TIMEOUT_MS: "100" });
    const ran: string[] = [];
    const err = await boundedRead(async (s) => {
      await s.rows(sql`select pg_sleep(0.3)`); // cannot be interrupted: it runs its 300 ms
      ran.push("sleep");
      await s.rows(sql`select 1`);
      ran.push("select 1");
    }).catch((e: unknown) => e);
    expect((err as AppError).status).toBe(504);
    expect(ran).toEqual(["sleep"]);
  });
});
