import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { assertSafeBind, isLoopbackName, localHostAllowed } from "./local-guard";

const local = (extra: Record<string, string> = {}) => parseEnv({ ...extra });
const clerk = parseEnv({ CLERK_SECRET_KEY: "sk_test_x", NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: "pk_test_x" });

describe("local mode guards", () => {
  it("binds loopback by default and public only with Clerk", () => {
    expect(local().host).toBe("127.0.0.1");
    expect(clerk.host).toBe("0.0.0.0");
  });

  it("refuses to serve local mode on a public address", () => {
    expect(() => assertSafeBind(local({ HOST: "0.0.0.0" }))).toThrow(/Refusing to serve local mode/);
    expect(() => assertSafeBind(local({ HOST: "192.168.1.10" }))).toThrow(/NEURONEDGE_UNSAFE_ALLOW_PUBLIC_LOCAL_MODE/);
    expect(() => assertSafeBind(local({ HOST: "127.0.0.1" }))).not.toThrow();
    expect(() => assertSafeBind(local({ HOST: "::1" }))).not.toThrow();
    expect(() => assertSafeBind(clerk)).not.toThrow();
  });

  it("lets the operator override, loudly", () => {
    expect(() => assertSafeBind(local({ HOST: "0.0.0.0", NEURONEDGE_UNSAFE_ALLOW_PUBLIC_LOCAL_MODE: "1" }))).not.toThrow();
  });

  it("recognises loopback names only", () => {
    for (const ok of ["localhost", "localhost:3000", "127.0.0.1:3000", "127.1.2.3", "[::1]:3000", "app.localhost"]) {
      expect(isLoopbackName(ok), ok).toBe(true);
    }
    for (const bad of ["evil.example", "localhost.evil.example", "127.0.0.1.evil.example", "0.0.0.0", "10.0.0.1:3000", "[::2]"]) {
      expect(isLoopbackName(bad), bad).toBe(false);
    }
  });

  it("checks Host only in local mode", () => {
    expect(localHostAllowed(local(), "evil.example")).toBe(false);
    expect(localHostAllowed(local(), undefined)).toBe(false);
    expect(localHostAllowed(clerk, "evil.example")).toBe(true);
  });
});

describe("environment", () => {
  it("picks the database driver from DATABASE_URL", () => {
    expect(parseEnv({}).dbDriver).toBe("pglite");
    expect(parseEnv({ DATABASE_URL: "postgres://u@db.internal:5432/x" }).dbDriver).toBe("pg");
    expect(parseEnv({ DATABASE_URL: "postgres://u@ep-cool-1.us-east-2.aws.neon.tech/x" }).dbDriver).toBe("neon");
    expect(parseEnv({ DATABASE_URL: "postgres://u@db.internal/x", DATABASE_DRIVER: "neon" }).dbDriver).toBe("neon");
  });

  it("explains bad values", () => {
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => parseEnv({ BCRYPT_COST: "99" })).toThrow(/BCRYPT_COST/);
  });
});
