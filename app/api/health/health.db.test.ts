import { afterEach, describe, expect, it } from "vitest";
import { closeDb } from "@/db/client";
import { resetEnv } from "@/lib/env";
import { call } from "@/testing/api";
import { useDatabase } from "@/testing/db";

useDatabase();

describe("GET /api/health", () => {
  const saved = { url: process.env.DATABASE_URL, dir: process.env.DATA_DIR };
  afterEach(async () => {
    process.env.DATABASE_URL = saved.url;
    process.env.DATA_DIR = saved.dir;
    resetEnv();
    await closeDb();
  });

  it("is 200 when the database answers", async () => {
    const res = await call("GET", "/api/health");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: "ok", database: "ok" });
  });

  it("in local mode, answers loopback Host names only (DNS rebinding), like every other route", async () => {
    const res = await call("GET", "/api/health", { headers: { host: "evil.example:3000" } });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("forbidden");
  });

  it("is 503 when the database is unreachable", async () => {
    await closeDb();
    process.env.DATABASE_URL = "postgres://postgres@127.0.0.1:1/nowhere"; // nothing listens on port 1
    resetEnv();
    const res = await call("GET", "/api/health");
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ status: "degraded", database: "unreachable" });
    expect(res.text).not.toContain("127.0.0.1:1"); // unauthenticated: no connection details
  });
});
