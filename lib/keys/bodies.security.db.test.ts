import { describe, expect, it } from "vitest";
import { call } from "@/testing/api";
import { useDatabase } from "@/testing/db";
import { expectRefused, makeKey, useSessions } from "./management.fixtures";

// Bodies that answered 500 on the management API (2026-12-02, item 9): each is a 400 in the
// documented shape, through the routes (lib/api/body.security.test.ts covers the reader itself).

useDatabase();
const session = useSessions();

const deep = (n: number) => `{"name":"x","grace_seconds":0,"limits":${"[".repeat(n)}${"]".repeat(n)}}`;
const deepObject = (n: number) => `{"name":"x",${'"a":{'.repeat(n)}${"}".repeat(n)}}`;

describe("bad management bodies are 400s, not 500s (item 9)", () => {
  it("PATCH {limits: {}} changes nothing: 400, the key untouched", async () => {
    const owner = await session();
    const k = await makeKey(owner, { name: "k" });
    const res = await call("PATCH", `/api/keys/${k.id}`, { headers: owner, body: { limits: {} } });
    expectRefused(res, 400, undefined);
    expect(res.json.error.message).toMatch(/^Nothing to change/);
    const named = await call("PATCH", `/api/keys/${k.id}`, { headers: owner, body: { name: "n", limits: {} } });
    expect(named.status).toBe(200);
    expect(named.json).toMatchObject({ name: "n", limits: k.limits });
    const events = (await call("GET", `/api/audit?key_id=${k.id}`, { headers: owner })).json.events;
    expect(events.map((e: { action: string }) => e.action)).toEqual(["key.rename", "key.create"]);
  });

  it("a body nested 5,000 levels deep (arrays or objects) on create, change and roll: 400", async () => {
    const owner = await session();
    const k = await makeKey(owner, { name: "k" });
    const headers = { ...owner, "content-type": "application/json" };
    for (const [method, path] of [
      ["POST", "/api/keys"],
      ["PATCH", `/api/keys/${k.id}`],
      ["POST", `/api/keys/${k.id}/roll`],
    ] as const) {
      for (const rawBody of [deep(5_000), deepObject(5_000)]) {
        const res = await call(method, path, { headers, rawBody });
        expectRefused(res, 400, undefined);
        expect(res.json.error.message).toBe("Request body is nested too deeply.");
      }
    }
    const keys = (await call("GET", "/api/keys", { headers: owner })).json.keys; // nothing made, changed or rolled
    expect(keys).toEqual([expect.objectContaining({ id: k.id, name: "k", replaced_by: null })]);
  });
});
