import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { updateKey } from "@/db/queries/keys";
import { apiKeys } from "@/db/schema";
import { clearVerifierCache, verifyKey } from "@/lib/keys/verifier";
import { call } from "@/testing/api";
import { uniqueOwner, useDatabase } from "@/testing/db";
import { bearer, expectRefused, inDays, makeKey, useSessions } from "./management.fixtures";

// Attacks replayed on the management API (2026-12-02, item 6): a rolled key in its grace period
// un-expiring itself, and an owner bringing an expired or rolled key back to life.

useDatabase();
const session = useSessions();

/** A management key, rolled by its owner with an hour of grace: still working, on its way out. */
async function rolledManager() {
  const ownerId = uniqueOwner("user"); // a personal account: the user owns its keys
  const owner = await session({ sub: ownerId });
  const old = await makeKey(owner, { name: "rolling", permissions: ["proxy", "keys:read", "keys:write"] });
  const rolled = await call("POST", `/api/keys/${old.id}/roll`, { headers: owner, body: { grace_seconds: 3600 } });
  expect(rolled.status).toBe(201);
  return { ownerId, owner, old, successor: rolled.json, graceEnd: rolled.json.previous_key.expires_at as string };
}

describe("dead keys stay dead (item 6)", () => {
  it("a rolled key in its grace period cannot un-expire itself, its successor, or a child", async () => {
    const { owner, old, successor, graceEnd } = await rolledManager();
    expect(graceEnd).not.toBeNull();
    const asOld = bearer(old.key);
    expectRefused(await call("PATCH", `/api/keys/${old.id}`, { headers: asOld, body: { expires_at: null } }), 403, "expires_at");
    expectRefused(await call("PATCH", `/api/keys/${old.id}`, { headers: asOld, body: { expires_at: inDays(30) } }), 403, "expires_at");
    // Its successor never expires: more than the old key may touch, or roll into a new secret.
    expectRefused(await call("PATCH", `/api/keys/${successor.id}`, { headers: asOld, body: { name: "mine now" } }), 403, "expires_at");
    expectRefused(await call("POST", `/api/keys/${successor.id}/roll`, { headers: asOld, body: {} }), 403, "expires_at");
    // Nor can it hand its power to a key that outlives it.
    expectRefused(await call("POST", "/api/keys", { headers: asOld, body: { name: "heir" } }), 403, "expires_at");
    const heir = await makeKey(asOld, { name: "heir", expires_at: graceEnd });
    expect(heir.expires_at).toBe(graceEnd);
    expect((await call("GET", `/api/keys/${old.id}`, { headers: owner })).json.expires_at).toBe(graceEnd);
  });

  it("nor can its owner: the expiry of a rolled key only moves earlier", async () => {
    const { owner, old, graceEnd } = await rolledManager();
    const patch = (body: Record<string, unknown>) => call("PATCH", `/api/keys/${old.id}`, { headers: owner, body });
    expectRefused(await patch({ expires_at: null }), 409, "expires_at");
    const later = await patch({ expires_at: inDays(30) });
    expectRefused(later, 409, "expires_at");
    expect(later.json.error.message).toBe("This key has been rolled; its expiry can only move earlier.");
    const earlier = new Date(Date.parse(graceEnd) - 60_000).toISOString();
    const moved = await patch({ expires_at: earlier });
    expect(moved.status).toBe(200);
    expect(moved.json.expires_at).toBe(earlier);
    expect((await patch({ name: "renamed on its way out" })).status).toBe(200);
    expect((await call("GET", `/api/keys/${old.id}`, { headers: owner })).json.expires_at).toBe(earlier);
  });

  it("an expired key cannot be un-expired by its owner", async () => {
    const owner = await session();
    const k = await makeKey(owner, { name: "expiring", expires_at: inDays(1) });
    const db = await getDb();
    await db
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(apiKeys.id, k.id));
    const patch = (body: Record<string, unknown>) => call("PATCH", `/api/keys/${k.id}`, { headers: owner, body });
    expectRefused(await patch({ expires_at: null }), 409, "expires_at");
    const later = await patch({ expires_at: inDays(30) });
    expectRefused(later, 409, "expires_at");
    expect(later.json.error.message).toBe("This key has expired; its expiry can only move earlier.");
    expect((await call("GET", `/api/keys/${k.id}`, { headers: owner })).json.status).toBe("expired");
    clearVerifierCache();
    expect(await verifyKey(k.key)).toMatchObject({ ok: false, reason: "expired" });
  });

  it("a change read before a roll and written after it cannot undo the roll's expiry", async () => {
    // The write itself refuses, so the window between the service's check and its update is closed.
    const { ownerId, old, graceEnd } = await rolledManager();
    expect(await updateKey({ ownerId, id: old.id, changes: { expiresAt: null } })).toBeNull();
    expect(await updateKey({ ownerId, id: old.id, changes: { expiresAt: new Date(Date.parse(graceEnd) + 1000) } })).toBeNull();
    expect(await updateKey({ ownerId, id: old.id, changes: { name: "still fine" } })).toMatchObject({ name: "still fine" });
    const earlier = new Date(Date.parse(graceEnd) - 1000);
    expect((await updateKey({ ownerId, id: old.id, changes: { expiresAt: earlier } }))?.expiresAt).toEqual(earlier);
    clearVerifierCache();
    expect((await verifyKey(old.key)).ok).toBe(true);
  });
});
