import { type Browser, expect, type Page, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./axe";
import { type ClerkServer, type Person, startClerkServer } from "./clerk-session";
import { E2E_PORT } from "./helpers";

// The dashboard signed in with Clerk, networkless (e2e/clerk-session.ts): two organisations,
// a member of one of them, and a person without an organisation.

const dataDir = ".data-e2e-clerk-dashboard";
const port = E2E_PORT + 3;
const origin = `http://127.0.0.1:${port}`;

const alice: Person = { sub: "user_alice_dash", org: { id: "org_acme_dash", role: "admin" } };
const dave: Person = { sub: "user_dave_dash", org: { id: "org_acme_dash", role: "member" } };
const bob: Person = { sub: "user_bob_dash", org: { id: "org_globex_dash", role: "admin" } };
const carol: Person = { sub: "user_carol_dash" };

let clerk: ClerkServer;
const signedIn = (browser: Browser, p: Person) => clerk.signedIn(browser, p);

const keyRow = (page: Page, name: string) => page.getByRole("row").filter({ hasText: name });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  clerk = await startClerkServer({ port, dataDir });
});

test.afterAll(() => clerk?.stop());

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

  test("at phone width, signed in: every page for an admin and a member, scanned and pictured", async ({ browser }) => {
    for (const [who, person] of [
      ["admin", alice],
      ["member", dave],
    ] as const) {
      const page = await clerk.signedIn(browser, person, { width: 390, height: 844 });
      for (const [what, path] of [
        ["overview", "/dashboard"],
        ["keys", "/dashboard/keys"],
        ["key-page", `/dashboard/keys/${keyId}`],
      ] as const) {
        const res = await page.goto(`${origin}${path}`);
        expect(res?.status(), path).toBe(200);
        await expect(page.getByRole("main").getByRole("heading", { level: 1 })).toBeVisible();
        // The session summary stays reachable on a phone.
        await expect(page.locator("[data-session-summary]")).toContainText(`Signed in as ${person.sub}`);
        const { scrollWidth, clientWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
        }));
        expect(scrollWidth, `${what} scrolls sideways`).toBeLessThanOrEqual(clientWidth);
        await expectNoSeriousA11yViolations(page, `${what}, ${who}, phone`);
        await page.screenshot({ path: `e2e/artifacts/clerk-${who}-${what}-phone.png`, fullPage: true });
      }
      await page.context().close();
    }
  });
});
