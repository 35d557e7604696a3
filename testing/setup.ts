import { afterAll, beforeAll } from "vitest";
import { resetEnv } from "@/lib/env";

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

beforeAll(() => resetEnv());
afterAll(() => resetEnv());
