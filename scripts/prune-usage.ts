// `npm run db:prune`: partition upkeep and, with USAGE_RETENTION_DAYS set, retention, run after run
// until nothing older is left, for deployments without `npm start`'s hourly timer (serverless: run
// it on a schedule, like `npm run db:migrate` at deploys).
import { closeDb } from "@/db/client";
import { getEnv } from "@/lib/env";
import { describeMaintenance, runUsageMaintenance } from "@/lib/usage/retention";

const days = getEnv().USAGE_RETENTION_DAYS;
// Bounded: each run is, and so is their number.
for (let run = 0; run < 1_000; run++) {
  const report = await runUsageMaintenance();
  if (!report) {
    console.log("Another instance's maintenance run holds the lock: nothing done.");
    break;
  }
  const line = describeMaintenance(report, days);
  if (line) console.log(line);
  if (!report.prune?.more) break;
}
await closeDb();
