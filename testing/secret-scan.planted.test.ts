import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { generateKey } from "@/lib/keys/format";
import { hashKey } from "@/lib/keys/hash";
import { testCaller, useDatabase } from "./db";
import { muted } from "./secret-scan";

// A file that leaks a key into a log line and a bcrypt hash into a row, so that the scan must
// fail it: testing/secret-scan.db.test.ts runs it on its own with SECRET_SCAN_PLANT=1 and reads
// the failure. In the suite itself it does nothing.

useDatabase();

describe.runIf(process.env.SECRET_SCAN_PLANT === "1")("a file that leaks (run by secret-scan.db.test.ts)", () => {
  it("logs a key and stores a hash where neither belongs", async () => {
    // Muted: the run's own output is scanned by the test that reads it, and must stay clean.
    await muted(() => console.error("[neuronedge] created", generateKey().key));
    const db = await getDb();
    const details = { hash: await hashKey(generateKey().key, 4) };
    await db.insert(auditEvents).values({ ownerId: testCaller().ownerId, actorId: "user_test", action: "key.create", details });
    expect(true).toBe(true);
  });
});
