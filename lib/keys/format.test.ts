import { describe, expect, it } from "vitest";
import { generateKey, keyPrefix, parseKey } from "./format";

describe("key format", () => {
  it("round-trips: a generated key parses back to its id and environment", () => {
    for (const env of ["live", "test"] as const) {
      const k = generateKey(env);
      expect(k.key).toMatch(new RegExp(`^ne_${env}_[0-9A-Za-z]{40}$`));
      expect(parseKey(k.key)).toEqual({ environment: env, id: k.id });
      // The documented shape: id key_xyz789 ↔ key ne_live_xyz789…
      expect(k.key.startsWith(`ne_${env}_${k.id.slice(4)}`)).toBe(true);
      expect(k.prefix).toBe(keyPrefix(env, k.id));
      expect(k.key.startsWith(k.prefix)).toBe(true);
    }
  });

  it("stays well under bcrypt's 72-byte limit", () => {
    expect(Buffer.byteLength(generateKey().key)).toBeLessThan(72);
  });

  it("never repeats ids or secrets", () => {
    const keys = new Set<string>();
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const k = generateKey();
      keys.add(k.key);
      ids.add(k.id);
    }
    expect(keys.size).toBe(2000);
    expect(ids.size).toBe(2000);
  });

  it("rejects every single-character typo through the checksum", () => {
    const { key } = generateKey();
    const body = key.slice("ne_live_".length);
    let rejected = 0;
    for (let i = 0; i < body.length; i++) {
      const swapped = body[i] === "a" ? "b" : "a";
      const typo = `ne_live_${body.slice(0, i)}${swapped}${body.slice(i + 1)}`;
      if (parseKey(typo) === null) rejected++;
    }
    expect(rejected).toBe(body.length);
  });

  it("rejects random strings, wrong prefixes and wrong lengths", () => {
    const { key } = generateKey();
    expect(parseKey(`ne_live_${"x".repeat(40)}`)).toBeNull();
    expect(parseKey(key.replace("ne_live_", "ne_prod_"))).toBeNull();
    expect(parseKey(key.replace("ne_live_", "ne_test_"))).toBeNull(); // environment is checksummed too
    expect(parseKey(`${key}a`)).toBeNull();
    expect(parseKey(key.slice(0, -1))).toBeNull();
    expect(parseKey(`sk-${key}`)).toBeNull();
    expect(parseKey("")).toBeNull();
  });
});
