import { createPrivateKey, generateKeyPairSync, sign } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// The "clerk" Playwright project runs the dashboard specs a second time, signed in with Clerk:
// a second server in Clerk mode (networkless: CLERK_JWT_KEY verifies tokens we sign with our own
// 2048-bit RSA key), and a storage state holding the session cookies Clerk's browser SDK would
// set, which the pages and the `request` fixture both send. Built synchronously, because the
// Playwright config that needs it is evaluated synchronously in every worker.

/** An organisation admin: may do everything the local-mode specs do. */
export const CLERK_E2E_USER = { sub: "user_e2e_project", org: "org_e2e_project" };

const b64url = (v: string | Buffer) => Buffer.from(v).toString("base64url");

function sessionJwt(privatePem: string, origin: string, now: number): string {
  const header = { alg: "RS256", typ: "JWT", kid: "ins_e2e" };
  // Session tokens v2; the role travels without its "org:" prefix. Three hours outlasts any run.
  const claims = {
    sub: CLERK_E2E_USER.sub,
    sid: `sess_${CLERK_E2E_USER.sub}`,
    azp: origin,
    v: 2,
    o: { id: CLERK_E2E_USER.org, rol: "admin", slg: CLERK_E2E_USER.org },
    iss: "https://clerk.neuronedge.test",
    iat: now,
    nbf: now - 5,
    exp: now + 3 * 3600,
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign("RSA-SHA256", Buffer.from(input), createPrivateKey(privatePem)))}`;
}

export interface ClerkProject {
  origin: string;
  /** The server's environment: Clerk mode, verifying our tokens offline. */
  env: Record<string, string>;
  storageState: string;
}

export function clerkProject(root: string, port: number): ClerkProject {
  const dir = join(root, "test-results", "clerk-e2e");
  mkdirSync(dir, { recursive: true });
  const origin = `http://127.0.0.1:${port}`;
  // One key pair per checkout, so the server and every worker's config agree on it; never committed.
  const keysFile = join(dir, "signing-key.json");
  if (!existsSync(keysFile)) {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = {
      publicKey: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
      privateKey: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    };
    writeFileSync(keysFile, JSON.stringify(pem), { mode: 0o600 });
  }
  const { publicKey, privateKey } = JSON.parse(readFileSync(keysFile, "utf8")) as { publicKey: string; privateKey: string };
  const now = Math.floor(Date.now() / 1000);
  const cookie = (name: string, value: string) => ({
    name,
    value,
    domain: "127.0.0.1",
    path: "/",
    expires: -1,
    httpOnly: false,
    secure: false,
    sameSite: "Lax" as const,
  });
  const storageState = join(dir, `storage-state-${port}.json`);
  writeFileSync(
    storageState,
    JSON.stringify({
      cookies: [
        cookie("__session", sessionJwt(privateKey, origin, now)),
        // No newer than the token, or Clerk would ask the browser to fetch a fresher one.
        cookie("__client_uat", String(now)),
        cookie("__clerk_db_jwt", "dvb_e2e_project"),
      ],
      origins: [],
    }),
  );
  return {
    origin,
    storageState,
    env: {
      CLERK_SECRET_KEY: `sk_test_${"x".repeat(40)}`,
      NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: `pk_test_${Buffer.from("clerk.neuronedge.test$").toString("base64")}`,
      CLERK_JWT_KEY: publicKey,
      CLERK_AUTHORIZED_PARTIES: origin,
    },
  };
}
