import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./axe";
import { createKeyViaApi, headerCreateButton, listKeys, screenshotPath, uniqueName } from "./helpers";

// The key forms check every field before anything is sent: all errors at once, in the form's
// words, on the fields at fault; the server's refusals land on their fields too.

const VIEWPORTS = [
  { label: "desktop", viewport: { width: 1280, height: 800 } },
  { label: "phone", viewport: { width: 390, height: 844 } },
] as const;

interface KeyJson {
  id: string;
  name: string;
  limits: { requests_per_minute: number | null; tokens_per_minute: number | null; monthly_budget_usd: number | null };
  allowed_models: string[] | null;
  permissions: string[];
}

async function getKeyJson(request: APIRequestContext, id: string): Promise<KeyJson> {
  const res = await request.get(`/api/keys/${id}`);
  expect(res.status()).toBe(200);
  return res.json();
}

/** Every POST or PATCH the page sends to the keys API, from now on. */
function watchKeyWrites(page: Page): string[] {
  const sent: string[] = [];
  page.on("request", (r) => {
    if ((r.method() === "POST" || r.method() === "PATCH") && new URL(r.url()).pathname.startsWith("/api/keys")) {
      sent.push(`${r.method()} ${new URL(r.url()).pathname}`);
    }
  });
  return sent;
}

/** The one place that knows where Rename lives: the key page's header actions. */
async function openRename(page: Page, key: { id: string; name: string }) {
  await page.goto(`/dashboard/keys/${key.id}`);
  await page.getByRole("button", { name: `Rename “${key.name}”` }).click();
  return page.getByRole("dialog", { name: "Rename API key" });
}

async function openEditPolicy(page: Page, id: string) {
  await page.goto(`/dashboard/keys/${id}`);
  await page.getByRole("button", { name: "Edit policy" }).click();
  return page.getByRole("dialog", { name: "Edit policy" });
}

for (const { label, viewport } of VIEWPORTS) {
  test.describe(`key forms at ${label} width`, () => {
    test.use({ viewport });

    test("create: every bad field at once, nothing sent, then fixed and saved as numbers", async ({ page, request }) => {
      const sent = watchKeyWrites(page);
      await page.goto("/dashboard/keys");
      await headerCreateButton(page).click();
      const create = page.getByRole("dialog", { name: "Create API key" });
      await create.getByText("Limits and restrictions").click();
      const name = create.getByLabel("Name");
      const rpm = create.getByLabel("Requests per minute");
      const tpm = create.getByLabel("Tokens per minute");
      const budget = create.getByLabel("Monthly budget (USD)");
      await rpm.fill("1.5");
      await tpm.fill("0");
      await budget.fill("twelve");
      // Folded away, the fields still count: the section opens again to show them.
      await create.getByText("Limits and restrictions").click();
      await create.getByRole("button", { name: "Create key" }).click();

      await expect(create.getByRole("alert")).toHaveText("Fix 4 fields to continue.");
      await expect(name).toBeFocused();
      await expect(name).toHaveAttribute("aria-invalid", "true");
      await expect(name).toHaveAccessibleDescription(/Name can't be empty\./);
      await expect(rpm).toHaveAttribute("aria-invalid", "true");
      await expect(rpm).toHaveAccessibleDescription(/Requests per minute must be a whole number from 1 to 1,000,000, without decimals\./);
      await expect(tpm).toHaveAccessibleDescription(/Tokens per minute can't be 0: use a whole number from 1 to 1,000,000,000/);
      await expect(budget).toHaveAccessibleDescription(/Monthly budget must be an amount in dollars, like 25 or 12\.50\./);
      await expect(create.getByLabel("Environment")).not.toHaveAttribute("aria-invalid");
      expect(sent).toEqual([]);
      await expectNoSeriousA11yViolations(page, `create dialog with errors (${label})`);
      await page.screenshot({ path: screenshotPath(`create-key-errors-${label}`), fullPage: false });

      // Errors follow the fields as they are fixed; what was typed stays.
      const keyName = uniqueName("Forms create");
      await name.fill(keyName);
      await expect(name).not.toHaveAttribute("aria-invalid");
      await expect(create.getByRole("alert")).toHaveText("Fix 3 fields to continue.");
      await expect(rpm).toHaveValue("1.5");
      await rpm.fill("1e6");
      await expect(create.getByText("1e6 → 1,000,000 requests per minute")).toBeVisible();
      await expect(rpm).toHaveAccessibleDescription(/1e6 → 1,000,000 requests per minute/);
      await tpm.fill("1,000");
      await budget.fill("$12.50");
      await expect(create.getByRole("alert")).toHaveCount(0);
      await create.getByRole("button", { name: "Create key" }).click();

      const reveal = page.getByRole("dialog", { name: "Save your API key" });
      await reveal.getByRole("button", { name: "I've saved my key" }).click();
      await expect(reveal).toBeHidden();
      expect(sent).toEqual(["POST /api/keys"]);
      const listed = (await listKeys(request)).find((k) => k.name === keyName);
      expect(listed).toBeDefined();
      const saved = await getKeyJson(request, listed!.id);
      expect(saved.limits).toEqual({ requests_per_minute: 1_000_000, tokens_per_minute: 1000, monthly_budget_usd: 12.5 });
    });

    test("edit policy: every bad field at once, nothing sent, then saved", async ({ page, request }) => {
      const key = await createKeyViaApi(request, uniqueName("Forms edit"));
      const sent = watchKeyWrites(page);
      const edit = await openEditPolicy(page, key.id);
      const rpm = edit.getByLabel("Requests per minute");
      const models = edit.getByLabel("Allowed models");
      const proxy = edit.getByRole("checkbox", { name: /Call providers through the gateway/ });
      await rpm.fill("-5");
      await models.fill("gpt-5, gpt*5");
      await proxy.uncheck();
      await edit.getByRole("button", { name: "Save policy" }).click();

      await expect(edit.getByRole("alert")).toHaveText("Fix 3 fields to continue.");
      await expect(rpm).toBeFocused();
      await expect(rpm).toHaveAccessibleDescription(/Requests per minute can't be negative/);
      await expect(models).toHaveAttribute("aria-invalid", "true");
      await expect(models).toHaveAccessibleDescription(/Allowed models: “gpt\*5” isn't a model name or a prefix ending in one \*/);
      await expect(proxy).toHaveAttribute("aria-invalid", "true");
      await expect(edit.getByRole("group", { name: "Permissions" })).toHaveAccessibleDescription("Choose at least one permission.");
      expect(sent).toEqual([]);
      await expectNoSeriousA11yViolations(page, `edit policy dialog with errors (${label})`);

      await rpm.fill("1,000");
      await edit.getByLabel("Tokens per minute").fill("1e6");
      await models.fill("gpt-5*");
      await proxy.check();
      await expect(edit.getByRole("alert")).toHaveCount(0);
      await edit.getByRole("button", { name: "Save policy" }).click();
      await expect(edit).toBeHidden();
      expect(sent).toEqual([`PATCH /api/keys/${key.id}`]);
      const saved = await getKeyJson(request, key.id);
      expect(saved.limits).toEqual({ requests_per_minute: 1000, tokens_per_minute: 1_000_000, monthly_budget_usd: null });
      expect(saved.allowed_models).toEqual(["gpt-5*"]);
    });

    test("rename: an empty name is refused in plain words without a request", async ({ page, request }) => {
      const key = await createKeyViaApi(request, uniqueName("Forms rename"));
      const sent = watchKeyWrites(page);
      const dialog = await openRename(page, key);
      const name = dialog.getByLabel("Name");
      await name.fill("   ");
      await dialog.getByRole("button", { name: "Save" }).click();
      await expect(dialog.getByRole("alert")).toHaveText("Fix 1 field to continue.");
      await expect(name).toHaveAttribute("aria-invalid", "true");
      await expect(name).toHaveAccessibleDescription("Name can't be empty.");
      await expect(name).toBeFocused();
      expect(sent).toEqual([]);
      await expectNoSeriousA11yViolations(page, `rename dialog with an error (${label})`);

      const newName = uniqueName("Forms renamed");
      await name.fill(`  ${newName} `);
      await expect(name).not.toHaveAttribute("aria-invalid");
      await dialog.getByRole("button", { name: "Save" }).click();
      await expect(dialog).toBeHidden();
      expect((await getKeyJson(request, key.id)).name).toBe(newName);
    });

    test("a refusal the form could not foresee lands on its field, and nothing typed is lost", async ({ page }) => {
      // The browser's clock is years behind the server's: a date it thinks is ahead is past for the server.
      await page.clock.setFixedTime(new Date("2020-01-10T12:00:00Z"));
      const sent = watchKeyWrites(page);
      await page.goto("/dashboard/keys");
      await headerCreateButton(page).click();
      const create = page.getByRole("dialog", { name: "Create API key" });
      const keyName = uniqueName("Forms skew");
      await create.getByLabel("Name").fill(keyName);
      await create.getByText("Limits and restrictions").click();
      await create.getByLabel("Requests per minute").fill("1e3");
      await create.getByLabel("Expires", { exact: true }).selectOption({ label: "On a date…" });
      const date = create.getByLabel("Expiry date");
      await date.fill("2021-01-01");
      const refused = page.waitForResponse((r) => r.url().endsWith("/api/keys") && r.request().method() === "POST");
      await create.getByRole("button", { name: "Create key" }).click();
      expect((await refused).status()).toBe(400);

      await expect(create.getByRole("alert")).toHaveText("Fix 1 field to continue.");
      await expect(date).toHaveAttribute("aria-invalid", "true");
      await expect(date).toHaveAccessibleDescription(/Expiry date must be after today\./);
      await expect(date).toBeFocused();
      await expect(create.getByLabel("Name")).toHaveValue(keyName);
      await expect(create.getByLabel("Requests per minute")).toHaveValue("1e3");
      expect(sent).toEqual(["POST /api/keys"]);

      // Changing the field clears the server's message.
      await date.fill("2021-02-01");
      await expect(date).not.toHaveAttribute("aria-invalid");
      await expect(create.getByRole("alert")).toHaveCount(0);
    });
  });
}
