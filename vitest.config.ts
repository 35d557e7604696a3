import { fileURLToPath } from "node:url";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url)).replace(/\/$/, "");
// Tests that touch the database are named *.db.test.ts: they run on embedded PGlite
// always, and again on real Postgres when DATABASE_URL is set (as .ci/run does).
const postgresUrl = process.env.DATABASE_URL;

const project = (name: string, include: string[], env: Record<string, string>): TestProjectInlineConfiguration => ({
  extends: true,
  test: { name, include, env: { BCRYPT_COST: "4", ...env } },
});

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    setupFiles: ["./testing/setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    exclude: ["node_modules/**", "e2e/**", ".next/**"],
    projects: [
      project("pglite", ["**/*.test.ts"], { DATABASE_URL: "", DATA_DIR: "memory://" }),
      ...(postgresUrl ? [project("postgres", ["**/*.db.test.ts"], { DATABASE_URL: postgresUrl })] : []),
    ],
  },
});
