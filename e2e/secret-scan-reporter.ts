import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import type { FullResult, Reporter } from "@playwright/test/reporter";
import { describeFindings, findSecrets, type Finding } from "../testing/secret-scan";
import { scanRowsForSecrets } from "../testing/secret-scan-db";

// Fails the browser-test run if a key, a provider key or a bcrypt hash is in the web server's
// log (e2e/web-server.mjs writes it, and any other e2e-server*.log beside it) or in any row of its
// database (api_keys.key_hash aside). A reporter's onEnd is the one hook Playwright calls after it
// has stopped the web server (global teardowns run before), so the log is whole, shutdown
// included, and the embedded database is closed and free to open here.

export interface SecretScanOptions {
  /** The web server's log: it must exist, or the scan cannot vouch for the run. */
  log: string;
  /** The web servers' PGlite data directories, read once the servers have stopped. */
  dataDir: string | string[];
}

/** Findings in a log, one line at a time, so each names its line. */
export function scanLog(path: string): Finding[] {
  const name = relative(process.cwd(), path) || path;
  const findings: Finding[] = [];
  for (const [i, line] of readFileSync(path, "utf8").split("\n").entries()) findings.push(...findSecrets(line, `${name} line ${i + 1}`));
  return findings;
}

/** The log given and every other e2e-server*.log in its folder (a second server's, say). */
function logsToScan(log: string): string[] {
  const others = readdirSync(dirname(log)).filter((f) => /^e2e-server.*\.log$/.test(f) && f !== basename(log));
  return [log, ...others.map((f) => join(dirname(log), f))];
}

/** Every row of the stopped server's embedded database, api_keys.key_hash aside. */
export async function scanDataDir(dataDir: string): Promise<Finding[]> {
  const { PGlite } = await import("@electric-sql/pglite");
  const client = new PGlite(dataDir);
  try {
    await client.waitReady;
    const findings = await scanRowsForSecrets((text) => client.query<Record<string, unknown>>(text));
    const where = relative(process.cwd(), dataDir) || dataDir;
    return findings.map((f) => ({ ...f, where: `${f.where} in ${where}` }));
  } finally {
    await client.close();
  }
}

/** A passing run fails; one interrupted or timed out keeps saying so. */
const failed = (result: FullResult): FullResult["status"] => (result.status === "passed" ? "failed" : result.status);

export default class SecretScanReporter implements Reporter {
  constructor(private readonly options: SecretScanOptions) {}

  printsToStdio(): boolean {
    return false;
  }

  async onEnd(result: FullResult): Promise<{ status: FullResult["status"] } | undefined> {
    const { log } = this.options;
    const dataDirs = [this.options.dataDir].flat();
    const missing = [log, ...dataDirs].filter((p) => !existsSync(p));
    if (missing.length) {
      console.error(`Secret scan: ${missing.join(" and ")} missing, so the run could not be scanned.`);
      return { status: failed(result) };
    }
    let findings: Finding[];
    try {
      findings = logsToScan(log).flatMap(scanLog);
      for (const dir of dataDirs) findings.push(...(await scanDataDir(dir)));
    } catch (err) {
      console.error(`Secret scan: could not read the web server's log or database: ${(err as Error).message}`);
      return { status: failed(result) };
    }
    if (findings.length === 0) return undefined;
    console.error(describeFindings(findings, "in the web server's log or database"));
    return { status: failed(result) };
  }
}
