import { expect, test } from "@playwright/test";
import { createKeyViaApi, headerCreateButton, keyRow, listKeys, openRowAction, revokeAllKeys, screenshotPath, uniqueName } from "./helpers";

const LIVE_KEY = /^ne_live_[0-9A-Za-z]{40}$/;
const TEST_KEY = /^ne_test_[0-9A-Za-z]{40}$/;
const WARNING = "This key will not be shown again. Store it somewhere safe, such as a password manager or secrets manager.";

test.describe("API keys page", () => {
  test("empty state explains keys and creates the first one", async ({ page, request }) => {
    await revokeAllKeys(request);
    await page.goto("/dashboard/keys");

    await expect(page.getByRole("heading", { name: "No API keys yet" })).toBeVisible();
    await expect(page.getByText("A gateway key tells NeuronEdge who is calling")).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);
    await page.screenshot({ path: screenshotPath("keys-empty-state"), fullPage: true });

    // The empty state's own button: the reveal dialog must survive the empty state being
    // replaced by the table behind it.
    const emptyStateButton = page.getByRole("main").getByRole("button", { name: "Create key" }).last();
    await emptyStateButton.click();
    const name = uniqueName("First key");
    await page.getByRole("dialog", { name: "Create API key" }).getByLabel("Name").fill(name);
    await page.getByRole("dialog", { name: "Create API key" }).getByRole("button", { name: "Create key" }).click();

    const reveal = page.getByRole("dialog", { name: "Save your API key" });
    await expect(reveal).toBeVisible();
    await expect(keyRow(page, name)).toBeVisible(); // the table replaced the empty state behind the dialog
    await expect(reveal).toBeVisible();
    await expect(reveal.getByRole("textbox", { name: "API key" })).toHaveValue(LIVE_KEY);

    await reveal.getByRole("button", { name: "I've saved my key" }).click();
    await expect(reveal).toBeHidden();
    await expect(page.getByRole("heading", { name: "No API keys yet" })).toHaveCount(0);
    // The opener is gone, so focus lands on the new key's link, not on <body>.
    await expect(page.getByRole("main").getByRole("link", { name, exact: true })).toBeFocused();
  });

  test("create, reveal once, copy, find, reload, revoke", async ({ page, request }) => {
    const name = uniqueName("Production backend");
    await page.goto("/dashboard/keys");

    await headerCreateButton(page).click();
    const createDialog = page.getByRole("dialog", { name: "Create API key" });
    await expect(createDialog).toBeVisible();
    const nameInput = createDialog.getByLabel("Name");
    await expect(nameInput).toBeFocused();
    await expect(createDialog.getByLabel("Environment")).toHaveValue("live");
    await nameInput.fill(name);
    await createDialog.getByRole("button", { name: "Create key" }).click();

    // The one-time reveal.
    const reveal = page.getByRole("dialog", { name: "Save your API key" });
    await expect(reveal).toBeVisible();
    await expect(createDialog).toBeHidden();
    await expect(reveal.getByText(WARNING)).toBeVisible();
    await expect(reveal.locator("[data-reveal-usage]")).toContainText("X-Provider-API-Key");
    const keyField = reveal.getByRole("textbox", { name: "API key" });
    await expect(keyField).toHaveAttribute("readonly", "");
    const key = await keyField.inputValue();
    expect(key).toMatch(LIVE_KEY);

    await reveal.getByRole("button", { name: "Copy API key" }).click();
    await expect(reveal.getByRole("button", { name: "Copy API key" })).toHaveText("Copied");
    const clipboard = await page.evaluate(() => navigator.clipboard.readText());
    expect(clipboard).toBe(key);
    expect(clipboard).toMatch(LIVE_KEY);
    await page.screenshot({ path: screenshotPath("reveal-dialog"), fullPage: false });

    // It must be closed deliberately: Escape and a click on the backdrop do nothing.
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
    await expect(reveal).toBeVisible();
    await page.mouse.click(8, 8);
    await expect(reveal).toBeVisible();
    await expect(keyField).toHaveValue(key);

    await reveal.getByRole("button", { name: "I've saved my key" }).click();
    await expect(reveal).toBeHidden();
    expect(await page.content()).not.toContain(key);
    await expect(page.getByRole("main").getByRole("link", { name, exact: true })).toBeFocused();

    // Its row, by name and prefix, with the key itself nowhere.
    const created = (await listKeys(request)).find((k) => k.name === name);
    expect(created).toBeDefined();
    expect(key.startsWith(created!.prefix)).toBe(true);
    const row = keyRow(page, name);
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(`${created!.prefix}…`);
    await expect(row.getByText("live", { exact: true })).toBeVisible();
    await expect(row.getByText("Never")).toBeVisible();
    await expect(row.getByText("Active")).toBeVisible();
    await expect(row.locator("time")).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    await page.screenshot({ path: screenshotPath("keys-table"), fullPage: true });

    await page.reload();
    await expect(keyRow(page, name)).toBeVisible();
    expect(await page.content()).not.toContain(key);
    const apiText = await (await request.get("/api/keys")).text();
    expect(apiText).toContain(created!.id);
    expect(apiText).not.toContain(key);

    // The key works (it is valid, though it may only call providers), until it is revoked.
    const asKey = { headers: { Authorization: `Bearer ${key}` } };
    expect((await request.get("/api/keys", asKey)).status()).toBe(403);

    // Revoke through the confirmation, which names the key and its prefix.
    await openRowAction(page, name, "Revoke");
    const confirm = page.getByRole("alertdialog", { name: `Revoke “${name}”?` });
    await expect(confirm).toBeVisible();
    await expect(confirm).toContainText(
      `Applications using ${created!.prefix}… will stop working immediately. Other keys are not affected.`,
    );
    await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.screenshot({ path: screenshotPath("revoke-dialog"), fullPage: false });
    await confirm.getByRole("button", { name: "Revoke key" }).click();
    await expect(confirm).toBeHidden();
    await expect(keyRow(page, name)).toHaveCount(0);

    expect((await listKeys(request)).some((k) => k.id === created!.id)).toBe(false);
    const revoked = (await listKeys(request, true)).find((k) => k.id === created!.id);
    expect(revoked?.status).toBe("revoked");
    const refused = await request.get("/api/keys", asKey);
    expect(refused.status()).toBe(401);
    expect((await refused.json()).error.message).toBe("This NeuronEdge API key has been revoked.");

    // Revoked keys stay visible on request, without actions.
    await page.getByRole("link", { name: "Show revoked keys" }).click();
    await expect(keyRow(page, name).getByText("Revoked")).toBeVisible();
    await expect(keyRow(page, name).getByRole("button")).toHaveCount(0);
  });

  test("a test-environment key gets the test badge", async ({ page }) => {
    const name = uniqueName("CI pipeline");
    await page.goto("/dashboard/keys");
    await headerCreateButton(page).click();
    const createDialog = page.getByRole("dialog", { name: "Create API key" });
    await createDialog.getByLabel("Name").fill(name);
    await createDialog.getByLabel("Environment").selectOption("test");
    await createDialog.getByRole("button", { name: "Create key" }).click();

    const reveal = page.getByRole("dialog", { name: "Save your API key" });
    await expect(reveal.getByRole("textbox", { name: "API key" })).toHaveValue(TEST_KEY);
    // A test key needs no provider key, and the reveal says so instead of asking for one.
    const usage = reveal.locator("[data-reveal-usage]");
    await expect(usage).toContainText("needs no provider key");
    await expect(usage).not.toContainText("X-Provider-API-Key");
    await reveal.getByRole("button", { name: "I've saved my key" }).click();
    await expect(reveal).toBeHidden();

    const row = keyRow(page, name);
    await expect(row.getByText("test", { exact: true })).toBeVisible();
    await expect(row).toContainText("ne_test_");
  });

  test("an empty name shows the form's message and keeps the dialog open", async ({ page }) => {
    await page.goto("/dashboard/keys");
    await headerCreateButton(page).click();
    const createDialog = page.getByRole("dialog", { name: "Create API key" });
    const submit = createDialog.getByRole("button", { name: "Create key" });

    await submit.click();
    await expect(createDialog.getByRole("alert")).toHaveText("Fix 1 field to continue.");
    await expect(createDialog.getByLabel("Name")).toHaveAccessibleDescription(/Name can't be empty\./);
    await expect(createDialog.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
    await expect(createDialog.getByLabel("Name")).toBeFocused();

    await createDialog.getByLabel("Name").fill("   ");
    await submit.click();
    await expect(createDialog.getByRole("alert")).toHaveText("Fix 1 field to continue.");
    await expect(page.getByRole("dialog", { name: "Save your API key" })).toBeHidden();
    await page.screenshot({ path: screenshotPath("create-dialog-error"), fullPage: false });

    // This dialog may be dismissed, unlike the reveal; the next opening starts clean.
    await page.keyboard.press("Escape");
    await expect(createDialog).toBeHidden();
    await headerCreateButton(page).click();
    await expect(createDialog.getByRole("alert")).toHaveCount(0);
    await expect(createDialog.getByLabel("Name")).toHaveValue("");
  });

  test("keyboard: focus moves into the dialog and back to its opener", async ({ page }) => {
    await page.goto("/dashboard/keys");
    const opener = headerCreateButton(page);
    await opener.focus();
    await page.keyboard.press("Enter");
    const createDialog = page.getByRole("dialog", { name: "Create API key" });
    await expect(createDialog).toBeVisible();
    await expect(createDialog.getByLabel("Name")).toBeFocused();
    // Tab stays inside the modal.
    for (let i = 0; i < 6; i++) await page.keyboard.press("Tab");
    expect(await createDialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await page.keyboard.press("Escape");
    await expect(createDialog).toBeHidden();
    await expect(opener).toBeFocused();
  });

  test("rename a key", async ({ page, request }) => {
    const name = uniqueName("Old name");
    const newName = uniqueName("New name");
    const created = await createKeyViaApi(request, name);
    await page.goto("/dashboard/keys");

    await openRowAction(page, name, "Rename");
    const dialog = page.getByRole("dialog", { name: "Rename API key" });
    await expect(dialog.getByLabel("Name")).toHaveValue(name);
    await dialog.getByLabel("Name").fill("");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog.getByRole("alert")).toHaveText("Fix 1 field to continue.");
    await expect(dialog.getByLabel("Name")).toHaveAccessibleDescription("Name can't be empty.");
    await dialog.getByLabel("Name").fill(newName);
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();
    await expect(keyRow(page, newName)).toContainText(`${created.prefix}…`);
    await expect(keyRow(page, name)).toHaveCount(0);
  });

  test("phone width: no sideways page scroll, Create key visible", async ({ page, request }) => {
    await createKeyViaApi(request, uniqueName("A rather long key name for the phone layout check"));
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto("/dashboard/keys");
    await expect(page.getByRole("table", { name: "API keys" })).toBeVisible();
    await expect(headerCreateButton(page)).toBeVisible();
    await expect(page.getByText("Local mode: no sign-in")).toBeVisible();
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await page.screenshot({ path: screenshotPath("keys-phone"), fullPage: true });

    await headerCreateButton(page).click();
    const createDialog = page.getByRole("dialog", { name: "Create API key" });
    await createDialog.getByLabel("Name").fill(uniqueName("Phone"));
    await createDialog.getByRole("button", { name: "Create key" }).click();
    const reveal = page.getByRole("dialog", { name: "Save your API key" });
    await expect(reveal.getByRole("button", { name: "I've saved my key" })).toBeInViewport();
    await page.screenshot({ path: screenshotPath("reveal-dialog-phone"), fullPage: false });
    await reveal.getByRole("button", { name: "I've saved my key" }).click();
    await expect(reveal).toBeHidden();
  });
});
