import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { resetEnv } from "@/lib/env";

// Networkless Clerk: our own 2048-bit RSA key signs session tokens, and the app
// verifies them with CLERK_JWT_KEY (the public half), as a real deployment does
// with the PEM from Clerk's dashboard. Nothing leaves the machine.

export const APP_ORIGIN = "http://localhost:3000";

export interface SessionClaims {
  sub: string;
  /** The active organization, if any. */
  org?: string;
  /** The role in `org` without the `org:` prefix, as v2 tokens carry it ("admin", "member", custom); default "admin". */
  role?: string;
  /** Claims format: 2 (the default) nests the organization in `o`; 1 uses `org_id` and `org_role`. */
  version?: 1 | 2;
  azp?: string;
  expiresIn?: string;
}

export interface TestClerk {
  sessionToken(claims: SessionClaims): Promise<string>;
  restore(): void;
}

const clerkVars = ["CLERK_SECRET_KEY", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "CLERK_JWT_KEY", "CLERK_AUTHORIZED_PARTIES"];

export async function enableTestClerk(): Promise<TestClerk> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { modulusLength: 2048 });
  const saved = Object.fromEntries(clerkVars.map((k) => [k, process.env[k]]));
  process.env.CLERK_SECRET_KEY = `sk_test_${"x".repeat(40)}`;
  process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY = `pk_test_${Buffer.from("clerk.neuronedge.test$").toString("base64")}`;
  process.env.CLERK_JWT_KEY = await exportSPKI(publicKey);
  process.env.CLERK_AUTHORIZED_PARTIES = APP_ORIGIN;
  resetEnv();
  return {
    sessionToken: (c) => mint(privateKey, c),
    restore() {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetEnv();
    },
  };
}

function organizationClaims(org: string | undefined, role: string, version: 1 | 2) {
  if (!org) return {};
  // v2 nests the organization in `o` with the role unprefixed; v1 spells both out at the top level.
  return version === 2 ? { o: { id: org, rol: role } } : { org_id: org, org_role: `org:${role}` };
}

function mint(
  key: CryptoKey,
  { sub, org, role = "admin", version = 2, azp = APP_ORIGIN, expiresIn = "5m" }: SessionClaims,
): Promise<string> {
  const versioned = version === 2 ? { v: 2 } : {};
  return new SignJWT({ sid: `sess_${sub}`, azp, ...versioned, ...organizationClaims(org, role, version) })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: "ins_test" })
    .setSubject(sub)
    .setIssuer("https://clerk.neuronedge.test")
    .setIssuedAt()
    .setNotBefore("0s")
    .setExpirationTime(expiresIn)
    .sign(key);
}
