import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { FullResult } from "@playwright/test/reporter";
import { afterAll, describe, expect, it } from "vitest";
import SecretScanReporter from "@/e2e/secret-scan-reporter";
import { generateKey } from "@/lib/keys/format";
import { hashKey } from "@/lib/keys/hash";
import { findSecrets, muted, takeOutputFindings } from "./secret-scan";
import { PROVIDER_KEYS } from "./sdk-clients";

// The scan that runs over every test file's output and database: it must find what leaks and
// nothing else, or it would either miss a leak or fail every run.

const kinds = (text: string) => findSecrets(text, "test").map((f) => f.kind);

describe("secret detectors", () => {
  it("find a real gateway key, live or test, wherever it sits in a line", () => {
    for (const env of ["live", "test"] as const) {
      const { key } = generateKey(env);
      expect(kinds(key)).toEqual(["gateway key"]);
      expect(kinds(`Authorization: Bearer ${key}\n`)).toEqual(["gateway key"]);
      expect(kinds(JSON.stringify({ details: { key } }))).toEqual(["gateway key"]);
      // Glued to other characters it is still the whole secret.
      expect(kinds(`x${key}y`)).toEqual(["gateway key"]);
    }
  });

  it("ignore lookalikes: 47 characters, a bad checksum, the public prefix", () => {
    const { key, prefix } = generateKey();
    expect(kinds(key.slice(0, 47))).toEqual([]);
    expect(kinds(key.slice(0, 20) + key.slice(21))).toEqual([]);
    const last = key.at(-1) === "A" ? "B" : "A";
    expect(kinds(key.slice(0, -1) + last)).toEqual([]);
    expect(kinds(`ne_live_${"a".repeat(40)}`)).toEqual([]);
    expect(kinds(`listed as ${prefix}`)).toEqual([]);
  });

  it("find a bcrypt hash, whatever its variant, and not a truncated one", async () => {
    const hash = await hashKey(generateKey().key, 4);
    expect(kinds(`stored ${hash}`)).toEqual(["bcrypt hash"]);
    expect(kinds(hash.replace(/^\$2b/, "$2y"))).toEqual(["bcrypt hash"]);
    expect(kinds(hash.slice(0, -1))).toEqual([]);
  });

  it("find the tests' provider keys and real-looking ones, not short sk- words", () => {
    for (const key of Object.values(PROVIDER_KEYS)) expect(kinds(`x-provider-api-key: ${key}`)).toEqual(["provider key"]);
    expect(kinds(`sk-proj-${"Ab3_".repeat(20)}`)).toEqual(["provider key"]);
    expect(kinds(`sk-ant-api03-${"x9Y-".repeat(24)}`)).toEqual(["provider key"]);
    expect(kinds(`AIza${"Sy0".repeat(12)}a`.slice(0, 39))).toEqual(["provider key"]);
    expect(kinds("sk-not-ours sk-bench task-queue-0123456789012345678901234567890123")).toEqual([]);
  });

  it("never repeat the secret in what they report", async () => {
    const { key } = generateKey();
    const hash = await hashKey(key, 4);
    const findings = findSecrets(`${key} ${hash} ${PROVIDER_KEYS.openai}`, "test");
    expect(findings).toHaveLength(3);
    const report = JSON.stringify(findings);
    for (const secret of [key, hash, PROVIDER_KEYS.openai]) expect(report).not.toContain(secret);
    expect(findings[0].redacted).toBe(`${key.slice(0, 14)}… (48 characters)`);
  });
});

describe("output capture", () => {
  it("catches a key written through console.*, with the stack of the writer", async () => {
    const { key } = generateKey();
    await muted(() => console.error("[neuronedge] verifying", key));
    const [finding, ...rest] = takeOutputFindings();
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ kind: "gateway key", where: "console.error" });
    expect(finding.stack).toContain("secret-scan.test.ts");
  });

  it("catches a key split across two writes to process.stderr", async () => {
    const { key } = generateKey();
    await muted(() => {
      process.stderr.write(`first half ${key.slice(0, 20)}`);
      process.stderr.write(Buffer.from(`${key.slice(20)} second half\n`));
    });
    expect(takeOutputFindings().map((f) => [f.kind, f.where])).toEqual([["gateway key", "process.stderr"]]);
  });

  it("lets harmless output through unremarked", async () => {
    const { key, prefix } = generateKey();
    await muted(() => {
      console.log("created", prefix, key.slice(0, 47));
      console.warn({ nested: { provider: "sk-not-ours" } });
      process.stdout.write("plain line\n");
    });
    expect(takeOutputFindings()).toEqual([]);
  });
});

describe("browser-test scan (Playwright's reporter, after the web server has stopped)", () => {
  const dir = mkdtempSync(join(tmpdir(), "secret-scan-"));
  const dataDir = join(dir, "data");
  const log = join(dir, "e2e-server.log");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const passed = { status: "passed" } as FullResult;

  /** Opens the stopped server's embedded database for a moment (on disk, as the server leaves it). */
  async function withDatabase(fn: (db: PGlite) => Promise<unknown>): Promise<void> {
    const db = new PGlite(dataDir);
    try {
      await fn(db);
    } finally {
      await db.close();
    }
  }

  /** The reporter's verdict and what it printed. */
  async function verdict(options = { log, dataDir }) {
    const errors: string[] = [];
    const original = console.error;
    console.error = (msg: string) => errors.push(msg);
    try {
      return { result: await new SecretScanReporter(options).onEnd(passed), errors };
    } finally {
      console.error = original;
    }
  }

  it("passes a clean log and database (a hash in api_keys.key_hash is where it belongs)", async () => {
    writeFileSync(log, "Ready on http://127.0.0.1:3100\nPOST /api/keys 201\n");
    await withDatabase(async (db) => {
      await db.exec(
        "create table api_keys (id text primary key, key_hash text); create table audit_events (id bigserial primary key, details jsonb)",
      );
      await db.query("insert into api_keys values ('key_aaaaaaaaaaaa', $1)", [await hashKey(generateKey().key, 4)]);
    });
    expect(await verdict()).toEqual({ result: undefined, errors: [] });
  });

  it("fails a passing run for a key in a log line and a bcrypt hash in a row, naming both places", async () => {
    writeFileSync(log, `Ready\nPOST /api/keys 201\n[neuronedge] created ${generateKey().key}\n`);
    // A second server's log beside the first is read too.
    writeFileSync(join(dir, "e2e-server-3101.log"), `stopped\n${PROVIDER_KEYS.anthropic}\n`);
    await withDatabase(async (db) => db.query("insert into audit_events (details) values ($1)", [{ hash: await hashKey("x", 4) }]));
    const { result, errors } = await verdict();
    expect(result).toEqual({ status: "failed" });
    expect(errors[0]).toMatch(/a gateway key \(ne_live_.{6}… \(48 characters\)\) in .*e2e-server\.log line 3/);
    expect(errors[0]).toMatch(/a provider key \(sk-ant… \(\d+ characters\)\) in .*e2e-server-3101\.log line 2/);
    expect(errors[0]).toMatch(/a bcrypt hash \(\$2b\$04\$… \(60 characters\)\) in row 1 of audit_events in .*data/);
  });

  it("fails when there is no log or no database to vouch for", async () => {
    expect((await verdict({ log: join(dir, "none.log"), dataDir })).result).toEqual({ status: "failed" });
    expect((await verdict({ log, dataDir: join(dir, "no-such-dir") })).result).toEqual({ status: "failed" });
  });
});
