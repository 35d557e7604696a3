import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { resetEnv } from "@/lib/env";

// Networkless Clerk: our own 2048-bit RSA key signs session tokens, and the app
// verifies them with CLERK_JWT_KEY (the public half), as a real deployment does
// with the PEM from Clerk's dashboard. Nothing leaves the machine.

export const APP_ORIGIN = "http://localhost:3000";

export interface TestClerk {
  sessionToken(claims: { sub: string; org?: string; azp?: string; expiresIn?: string }): Promise<string>;
  restore(): void;
}

const clerkVars = ["CLERK_SECRET_KEY", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "CLERK_JWT_KEY", "CLERK_AUTHORIZED_PARTIES"];

export async function enableTestClerk(): Promise<TestClerk> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { modulusLength: 2048 });
  const saved = Object.fromEntries(clerkVars.map((k) => [k, process.env[k]]));
  process.env.CLERK_SECRET_KEY = "sk_test_" + "x".repeat(40);
  process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY =
    "pk_test_" + Buffer.from("clerk.neuronedge.test$").toString("base64");
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

function mint(
  key: CryptoKey,
  { sub, org, azp = APP_ORIGIN, expiresIn = "5m" }: { sub: string; org?: string; azp?: string; expiresIn?: string },
): Promise<string> {
  // The claims of a Clerk v2 session token: the active organization sits in `o`.
  return new SignJWT({ sid: `sess_${sub}`, azp, v: 2, ...(org ? { o: { id: org, rol: "admin" } } : {}) })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: "ins_test" })
    .setSubject(sub)
    .setIssuer("https://clerk.neuronedge.test")
    .setIssuedAt()
    .setNotBefore("0s")
    .setExpirationTime(expiresIn)
    .sign(key);
}
