import { spawn } from "node:child_process";
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { apiKeys, auditEvents } from "@/db/schema";
import { generateKey } from "@/lib/keys/format";
import { hashKey } from "@/lib/keys/hash";
import { createKey } from "@/lib/keys/service";
import { call } from "./api";
import { scanDatabaseForSecrets, testCaller, useDatabase } from "./db";
import { forgeKey } from "./forge-key";
import { findSecrets, scanOutput } from "./secret-scan";
import { scanRowsForSecrets } from "./secret-scan-db";
import { PROVIDER_KEYS } from "./sdk-clients";

useDatabase();

// The rows a leak would land in are written inside a transaction that is rolled back: other
// files sharing a Postgres database, scanning theirs, never see them.
class Rollback extends Error {}

describe("database secret scan", () => {
  it("passes a stored key (its hash is in key_hash, where it belongs)", async () => {
    await createKey(testCaller(), { name: "scanned", environment: "live" });
    expect(await scanDatabaseForSecrets()).toEqual([]);
  });

  it("finds a key, a provider key or a bcrypt hash in any other column of any table", async () => {
    const db = await getDb();
    const { key } = generateKey();
    const hash = await hashKey(key, 4);
    let found: Awaited<ReturnType<typeof scanDatabaseForSecrets>> = [];
    await db
      .transaction(async (tx) => {
        const owner = testCaller().ownerId;
        await tx.insert(auditEvents).values({ ownerId: owner, actorId: "user_test", action: "key.create", details: { key } });
        await tx.insert(auditEvents).values({ ownerId: owner, actorId: PROVIDER_KEYS.anthropic, action: "key.update" });
        const id = generateKey().id;
        await tx
          .insert(apiKeys)
          .values({ id, ownerId: owner, name: hash, environment: "live", prefix: "ne_live_x", keyHash: hash, createdBy: "t" });
        found = await scanDatabaseForSecrets(tx as never);
        throw new Rollback();
      })
      .catch((err) => {
        if (!(err instanceof Rollback)) throw err;
      });
    expect(found.map((f) => [f.kind, f.where.replace(/row \S+ of/, "row of")]).sort()).toEqual([
      ["bcrypt hash", "row of api_keys"],
      ["gateway key", "row of audit_events"],
      ["provider key", "row of audit_events"],
    ]);
    expect(await scanDatabaseForSecrets()).toEqual([]);
  });

  it("reads nothing, and fails nothing, in a database that has no tables (never migrated, or emptied)", async () => {
    const fresh = new PGlite();
    try {
      expect(await scanRowsForSecrets((text) => fresh.query(text))).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});

describe("the secrets the scan looks for", () => {
  it("include every key the tests make: created, created through the API, rolled, forged", async () => {
    const created = await createKey(testCaller(), { name: "known", environment: "test" });
    const viaApi = await call("POST", "/api/keys", { body: { name: "known via api" } });
    expect(viaApi.status).toBe(201);
    const rolled = await call("POST", `/api/keys/${viaApi.json.id}/roll`, { body: {} });
    expect(rolled.status).toBe(201);
    const keys = [created.key, viaApi.json.key, rolled.json.key, forgeKey()];
    for (const key of keys) expect(findSecrets(`log: ${key}`, "test").map((f) => f.kind)).toEqual(["gateway key"]);
  });
});

describe("a test file that leaks", () => {
  it("fails after its last test, naming the log line's and the row's secret without repeating either", async () => {
    // The planted file run on its own, as Vitest runs any file here: setup, database, scan.
    // Without this worker's VITEST_* variables, which would make the child think it is a worker too.
    const env: NodeJS.ProcessEnv = { ...process.env, SECRET_SCAN_PLANT: "1", NO_COLOR: "1", FORCE_COLOR: "0" };
    for (const k of Object.keys(env)) if (k.startsWith("VITEST")) delete env[k];
    const child = spawn(
      process.execPath,
      ["node_modules/vitest/vitest.mjs", "run", "--project", "pglite", "testing/secret-scan.planted.test.ts"],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c));
    child.stderr.on("data", (c: Buffer) => (output += c));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    // What the failed run printed must itself be clean: the report names secrets, never shows them.
    scanOutput(output, "the planted file's run");
    expect(code, output).toBe(1);
    expect(output).toMatch(/Secret scan: 2 secret\(s\) leaked by this test file/);
    expect(output).toMatch(/a gateway key \(ne_live_.{6}… \(48 characters\)\) in console\.error/);
    expect(output).toMatch(/secret-scan\.planted\.test\.ts/); // the writer's stack
    expect(output).toMatch(/a bcrypt hash \(\$2b\$04\$… \(60 characters\)\) in row \d+ of audit_events/);
  }, 120_000);
});
