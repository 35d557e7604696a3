import { afterAll, beforeAll } from "vitest";
import { resetEnv } from "@/lib/env";
import { captureOutput, describeFindings, takeOutputFindings } from "./secret-scan";

// No test may reach beyond this machine: every fetch to a non-loopback host fails loudly.
const realFetch = globalThis.fetch;
const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/;
globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!LOOPBACK.test(url.hostname)) {
    return Promise.reject(new Error(`Test tried to reach ${url.host}: tests must stay on loopback.`));
  }
  return realFetch(input, init);
}) as typeof fetch;

// Everything this file's code writes to console.* and process.stdout/stderr is scanned for keys
// and bcrypt hashes, as are the database's rows after a file that used it (testing/db.ts): the
// file fails after its last test if one leaked (testing/secret-scan.ts).
captureOutput();

beforeAll(() => resetEnv());
// Registered first, so it runs last (Vitest runs afterAll hooks as a stack): after the file's
// own teardown and the database scan.
afterAll(() => {
  resetEnv();
  const findings = takeOutputFindings();
  if (findings.length) throw new Error(describeFindings(findings, "leaked by this test file (log lines, database rows)"));
});
