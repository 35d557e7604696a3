import { type Browser, expect, type Page, test } from "@playwright/test";
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { expectNoSeriousA11yViolations } from "./axe";
import { removeDataDir, startAppServer, type AppServer } from "./second-server";
import { E2E_PORT } from "./helpers";

// The dashboard signed in with Clerk, networkless: a session token signed by our own 2048-bit RSA
// key (the server verifies it with CLERK_JWT_KEY) sits in the __session cookie beside
// __client_uat and the development instance's __clerk_db_jwt, as Clerk's browser SDK leaves them.
// Two organisations, a member of one of them, and a person without an organisation.

const dataDir = ".data-e2e-clerk-dashboard";
const port = E2E_PORT + 3;
const origin = `http://127.0.0.1:${port}`;

interface Person {
  sub: string;
  org?: { id: string; role: "admin" | "member" };
}
const alice: Person = { sub: "user_alice_dash", org: { id: "org_acme_dash", role: "admin" } };
const dave: Person = { sub: "user_dave_dash", org: { id: "org_acme_dash", role: "member" } };
const bob: Person = { sub: "user_bob_dash", org: { id: "org_globex_dash", role: "admin" } };
const carol: Person = { sub: "user_carol_dash" };

let server: AppServer | undefined;
let signingKey: CryptoKey;

function sessionToken(p: Person): Promise<string> {
  // Session tokens v2: the active organisation is `o`, with the role without its "org:" prefix.
  const claims = { sid: `sess_${p.sub}`, azp: origin, v: 2, ...(p.org ? { o: { id: p.org.id, rol: p.org.role, slg: p.org.id } } : {}) };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: "ins_e2e" })
    .setSubject(p.sub)
    .setIssuer("https://clerk.neuronedge.test")
    .setIssuedAt()
    .setNotBefore("0s")
    .setExpirationTime("10m")
    .sign(signingKey);
}

/** A browser signed in as `p`: the cookies Clerk's browser SDK sets for a development instance. */
async function signedIn(browser: Browser, p: Person): Promise<Page> {
  const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
  const now = Math.floor(Date.now() / 1000);
  await context.addCookies([
    { name: "__session", value: await sessionToken(p), url: origin },
    { name: "__client_uat", value: String(now), url: origin },
    { name: "__clerk_db_jwt", value: "dvb_e2e_dashboard", url: origin },
  ]);
  return context.newPage();
}

const keyRow = (page: Page, name: string) => page.getByRole("row").filter({ hasText: name });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  removeDataDir(dataDir);
  const pair = await generateKeyPair("RS256", { modulusLength: 2048 });
  signingKey = pair.privateKey;
  server = await startAppServer({
    port,
    dataDir,
    env: {
      CLERK_SECRET_KEY: `sk_test_${"x".repeat(40)}`,
      NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: `pk_test_${Buffer.from("clerk.neuronedge.test$").toString("base64")}`,
      CLERK_JWT_KEY: await exportSPKI(pair.publicKey),
      CLERK_AUTHORIZED_PARTIES: origin,
    },
  });
});

test.afterAll(async () => {
  await server?.stop();
  removeDataDir(dataDir);
});

test.describe("the dashboard signed in with Clerk", () => {
  const name = `Acme backend ${Date.now().toString(36)}`;
  let keyId = "";

  test("an organisation admin creates, reveals, copies, renames, rolls and revokes a key", async ({ browser }) => {
    const page = await signedIn(browser, alice);
    const response = await page.goto(`${origin}/dashboard/keys`);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
    await expectNoSeriousA11yViolations(page, "keys page, signed in");

    await page.getByRole("main").getByRole("button", { name: "Create key" }).first().click();
    const create = page.getByRole("dialog", { name: "Create API key" });
    await create.getByLabel("Name").fill(name);
    await create.getByRole("button", { name: "Create key" }).click();
    const reveal = page.getByRole("dialog", { name: "Save your API key" });
    const key = await reveal.getByRole("textbox", { name: "API key" }).inputValue();
    expect(key).toMatch(/^ne_live_[0-9A-Za-z]{40}$/);
    await reveal.getByRole("button", { name: "Copy API key" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await reveal.getByRole("button", { name: "I've saved my key" }).click();
    await expect(keyRow(page, name)).toHaveCount(1);

    // Rename from the list.
    await keyRow(page, name)
      .getByRole("button", { name: `Actions for “${name}”` })
      .click();
    await page.getByRole("menuitem", { name: "Rename" }).click();
    const rename = page.getByRole("dialog", { name: /Rename/ });
    await rename.getByLabel("Name").fill(`${name} (prod)`);
    await rename.getByRole("button", { name: /Save|Rename/ }).click();
    await expect(keyRow(page, `${name} (prod)`)).toHaveCount(1);

    // The key page, then a roll: the new key is shown once, the old one points to it.
    await keyRow(page, `${name} (prod)`).getByRole("link").first().click();
    await expect(page.getByRole("heading", { name: `${name} (prod)`, level: 1 })).toBeVisible();
    keyId = new URL(page.url()).pathname.split("/").pop()!;
    expect(keyId).toMatch(/^key_/);
    await page.getByRole("button", { name: "Roll key" }).click();
    const roll = page.getByRole("dialog", { name: /Roll/ });
    await roll.getByRole("button", { name: /Roll key/ }).click();
    const rolled = page.getByRole("dialog", { name: "Save your API key" });
    const next = await rolled.getByRole("textbox", { name: "API key" }).inputValue();
    expect(next).toMatch(/^ne_live_/);
    expect(next).not.toBe(key);
    await rolled.getByRole("button", { name: "I've saved my key" }).click();

    // The overview, signed in, counts the organisation's keys.
    const overview = await page.goto(`${origin}/dashboard`);
    expect(overview?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
    await expectNoSeriousA11yViolations(page, "overview, signed in");
    await page.screenshot({ path: "e2e/artifacts/clerk-overview-desktop.png", fullPage: true });
    await page.context().close();
  });

  test("a member of the same organisation sees its keys, may not change them, and is told why", async ({ browser }) => {
    const page = await signedIn(browser, dave);
    await page.goto(`${origin}/dashboard/keys`);
    // The rolled key (in its grace period) and its successor, which keeps the name.
    await expect(keyRow(page, `${name} (prod)`)).toHaveCount(2);
    await expect(page.getByRole("main").getByRole("button", { name: "Create key" }).first()).toBeDisabled();
    await expect(page.getByText(/Your role in this organization \(org:member\) can view keys/).first()).toBeVisible();
    await expect(keyRow(page, `${name} (prod)`).getByRole("button")).toHaveCount(0);
    await page.goto(`${origin}/dashboard/keys/${keyId}`);
    await expect(page.getByRole("heading", { name: `${name} (prod)`, level: 1 })).toBeVisible();
    await expect(page.getByRole("button", { name: "Roll key" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Edit policy" })).toHaveCount(0);
    await expectNoSeriousA11yViolations(page, "key page, as a member");
    await page.screenshot({ path: "e2e/artifacts/clerk-member-key-page.png", fullPage: true });
    await page.context().close();
  });

  test("the header says who is signed in and for which organisation; sign out ends the session here", async ({ browser }) => {
    const page = await signedIn(browser, alice);
    await page.goto(`${origin}/dashboard`);
    const summary = page.locator("[data-session-summary]");
    await expect(summary).toContainText("Signed in as user_alice_dash");
    await expect(summary).toContainText("org_acme_dash (org:admin)");
    await page.screenshot({ path: "e2e/artifacts/clerk-header-desktop.png" });
    await summary.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    // Offline, Clerk's sign-in form cannot load: the page says so instead of staying blank.
    await expect(page.getByRole("alert").filter({ hasText: "Sign-in could not load" })).toBeVisible({ timeout: 20_000 });
    await page.screenshot({ path: "e2e/artifacts/clerk-sign-in-offline.png" });
    await expectNoSeriousA11yViolations(page, "sign-in, offline");
    const again = await page.goto(`${origin}/dashboard/keys`);
    expect(new URL(page.url()).pathname).toMatch(/^\/sign-in/);
    expect(again?.status()).toBe(200);
    await page.context().close();
  });

  test("a person without an organisation is shown as a personal account", async ({ browser }) => {
    const page = await signedIn(browser, carol);
    await page.goto(`${origin}/dashboard/keys`);
    await expect(page.locator("[data-session-summary]")).toContainText("Signed in as user_carol_dash · personal account");
    await page.context().close();
  });

  for (const [who, person] of [
    ["an admin of another organisation", bob],
    ["a person without an organisation", carol],
  ] as const) {
    test(`${who} sees none of the organisation's keys, not even by their URL`, async ({ browser }) => {
      const page = await signedIn(browser, person);
      const res = await page.goto(`${origin}/dashboard/keys`);
      expect(res?.status()).toBe(200);
      await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
      await expect(keyRow(page, name)).toHaveCount(0);
      await page.goto(`${origin}/dashboard/keys/${keyId}`);
      await expect(page.getByText(`${name} (prod)`)).toHaveCount(0);
      await page.context().close();
    });
  }
});
