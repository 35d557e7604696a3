import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes a new SQL migration from db/schema.ts; commit it.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.ts",
  out: "./db/migrations",
});
