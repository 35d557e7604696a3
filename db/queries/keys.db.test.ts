import { describe, expect, it } from "vitest";
import { createKey } from "@/lib/keys/service";
import { testCaller, useDatabase } from "@/testing/db";
import { getKey } from "./keys";

useDatabase();

describe("reading a key", () => {
  it("finds the owner's key by id; an id no key can have (NUL, from a URL) is simply not found", async () => {
    const caller = testCaller();
    const k = await createKey(caller, { name: "k", environment: "live" });
    expect((await getKey({ ownerId: caller.ownerId, id: k.id }))?.name).toBe("k");
    expect(await getKey({ ownerId: "someone else", id: k.id })).toBeNull();
    expect(await getKey({ ownerId: caller.ownerId, id: `${k.id}\u0000` })).toBeNull();
  });
});
