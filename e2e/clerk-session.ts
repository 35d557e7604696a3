import type { Browser, Page } from "@playwright/test";
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { removeDataDir, startAppServer } from "./second-server";

// The built app in Clerk mode, networkless: session tokens are signed by our own 2048-bit RSA
// key and the server verifies them with CLERK_JWT_KEY. In a browser the token sits in the
// __session cookie beside __client_uat and the development instance's __clerk_db_jwt, as
// Clerk's browser SDK leaves them. Nothing here reaches Clerk.

export interface Person {
  sub: string;
  org?: { id: string; role: "admin" | "member" };
}

export interface ClerkServer {
  origin: string;
  /** A session token for `p`, as Clerk mints them (v2 claims, active organisation in `o`). */
  token(p: Person): Promise<string>;
  /** A fresh browser context signed in as `p`, and its first page. */
  signedIn(browser: Browser, p: Person, viewport?: { width: number; height: number }): Promise<Page>;
  stop(): Promise<void>;
}

export async function startClerkServer({ port, dataDir }: { port: number; dataDir: string }): Promise<ClerkServer> {
  removeDataDir(dataDir);
  const origin = `http://127.0.0.1:${port}`;
  const pair = await generateKeyPair("RS256", { modulusLength: 2048 });
  const signingKey: CryptoKey = pair.privateKey;
  const server = await startAppServer({
    port,
    dataDir,
    env: {
      CLERK_SECRET_KEY: `sk_test_${"x".repeat(40)}`,
      NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: `pk_test_${Buffer.from("clerk.neuronedge.test$").toString("base64")}`,
      CLERK_JWT_KEY: await exportSPKI(pair.publicKey),
      CLERK_AUTHORIZED_PARTIES: origin,
    },
  });

  const token = (p: Person) => {
    // The role travels without its "org:" prefix in v2 tokens.
    const org = p.org ? { o: { id: p.org.id, rol: p.org.role, slg: p.org.id } } : {};
    return new SignJWT({ sid: `sess_${p.sub}`, azp: origin, v: 2, ...org })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: "ins_e2e" })
      .setSubject(p.sub)
      .setIssuer("https://clerk.neuronedge.test")
      .setIssuedAt()
      .setNotBefore("0s")
      .setExpirationTime("10m")
      .sign(signingKey);
  };

  return {
    origin,
    token,
    async signedIn(browser, p, viewport) {
      const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"], ...(viewport ? { viewport } : {}) });
      await context.addCookies([
        { name: "__session", value: await token(p), url: origin },
        { name: "__client_uat", value: String(Math.floor(Date.now() / 1000)), url: origin },
        { name: "__clerk_db_jwt", value: "dvb_e2e_dashboard", url: origin },
      ]);
      return context.newPage();
    },
    async stop() {
      await server.stop();
      removeDataDir(dataDir);
    },
  };
}
