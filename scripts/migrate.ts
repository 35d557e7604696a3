// `npm run db:migrate`: apply the committed migrations to DATABASE_URL (or the embedded
// database) without starting the server, e.g. before a serverless deployment.
import { closeDb } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";

await migrateDatabase();
await closeDb();
console.log("Migrations applied.");
