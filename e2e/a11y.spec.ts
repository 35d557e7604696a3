import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./axe";
import { CLERK_E2E_USER } from "./clerk-project";
import { createKeyViaApi, headerCreateButton, screenshotPath, uniqueName } from "./helpers";

// Every page and dialog of the dashboard, scanned with axe at a desktop and a phone width: no
// serious or critical violation. Run in local mode and, by the "clerk" project, signed in.

const widths = [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 390, height: 844 } },
] as const;

for (const { name: width, viewport } of widths) {
  test.describe(`accessibility at ${width} width`, () => {
    test.use({ viewport });

    test("every page: overview (live and test), keys, a key's page, an unknown key", async ({ page, request }) => {
      const key = await createKeyViaApi(request, uniqueName("a11y"));
      // The "clerk" project runs this spec signed in (e2e/clerk-project.ts): say which mode this is.
      await page.goto("/dashboard");
      if (test.info().project.name === "clerk") {
        await expect(page.locator("[data-session-summary]")).toContainText(`Signed in as ${CLERK_E2E_USER.sub}`);
      } else {
        await expect(page.getByText("Local mode:")).toBeVisible();
      }
      for (const [what, path] of [
        ["overview", "/dashboard"],
        ["overview, test keys", "/dashboard?env=test"],
        ["keys", "/dashboard/keys"],
        ["key page", `/dashboard/keys/${key.id}`],
        ["unknown key", "/dashboard/keys/key_doesnotexist"],
      ] as const) {
        await page.goto(path);
        await expect(page.getByRole("main")).toBeVisible();
        await expectNoSeriousA11yViolations(page, `${what} (${width})`);
        const mode = test.info().project.name === "clerk" ? "clerk-" : "";
        await page.screenshot({ path: screenshotPath(`page-${mode}${what.replace(/\W+/g, "-")}-${width}`), fullPage: true });
      }
      // The key page copies the key's id (what the API and the audit log name it by).
      await page.goto(`/dashboard/keys/${key.id}`);
      await page.getByRole("button", { name: "Copy key id" }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key.id);
      // Unknown addresses answer 404 with the dashboard's navigation, for a key and for any page.
      for (const path of ["/dashboard/keys/key_doesnotexist", "/dashboard/no-such-page"]) {
        const res = await page.goto(path);
        expect(res?.status(), path).toBe(404);
        await expect(page.getByRole("navigation", { name: "Dashboard" })).toBeVisible();
      }
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await expectNoSeriousA11yViolations(page, `unknown page (${width})`);
      await page.goto("/dashboard/keys");
      await page.screenshot({ path: screenshotPath(`a11y-keys-${width}`), fullPage: true });
    });

    test("the create and reveal dialogs", async ({ page }) => {
      await page.goto("/dashboard/keys");
      await headerCreateButton(page).click();
      const create = page.getByRole("dialog", { name: "Create API key" });
      await expect(create).toBeVisible();
      await expectNoSeriousA11yViolations(page, `create dialog (${width})`);
      await create.getByLabel("Name").fill(uniqueName("a11y dialog"));
      await create.getByRole("button", { name: "Create key" }).click();
      const reveal = page.getByRole("dialog", { name: "Save your API key" });
      await expect(reveal).toBeVisible();
      await expectNoSeriousA11yViolations(page, `reveal dialog (${width})`);
      await reveal.getByRole("button", { name: "I've saved my key" }).click();
    });
  });
}
