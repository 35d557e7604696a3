import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { headerCreateButton, listKeys, screenshotPath, uniqueName } from "./helpers";

// Key policy in the dashboard: limits, allow-lists and expiry set in the create dialog and on
// the key's page, rolling a key with a grace period, and the key's activity (audit) log.

const LIVE_KEY = /^ne_live_[0-9A-Za-z]{40}$/;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface KeyJson {
  id: string;
  name: string;
  prefix: string;
  status: "active" | "revoked" | "expired";
  expires_at: string | null;
  limits: { requests_per_minute: number | null; tokens_per_minute: number | null; monthly_budget_usd: number | null };
  allowed_providers: string[] | null;
  allowed_models: string[] | null;
  permissions: string[];
  replaced_by: string | null;
  rolled_from: string | null;
}

async function getKeyJson(request: APIRequestContext, id: string): Promise<KeyJson> {
  const res = await request.get(`/api/keys/${id}`);
  expect(res.status()).toBe(200);
  return res.json();
}

/** An ISO time within a couple of minutes of `expected` (ms since the epoch). */
function expectAround(iso: string | null, expected: number) {
  expect(iso).not.toBeNull();
  expect(Math.abs(Date.parse(iso!) - expected)).toBeLessThan(2 * 60_000);
}

async function noSidewaysScroll(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
}

test.describe("key policy, roll and activity", () => {
  test("create with limits, edit the policy, roll with a grace period, read the activity", async ({ page, request }) => {
    test.setTimeout(60_000);
    const name = uniqueName("Billing worker");
    await page.goto("/dashboard/keys");

    // Create: name and environment up front, the policy behind a closed disclosure.
    await headerCreateButton(page).click();
    const create = page.getByRole("dialog", { name: "Create API key" });
    await create.getByLabel("Name").fill(name);
    const rpm = create.getByLabel("Requests per minute");
    await expect(rpm).toBeHidden();
    await create.getByText("Limits and restrictions").click();
    await expect(rpm).toBeVisible();
    await rpm.fill("60");
    await create.getByLabel("Tokens per minute").fill("100000");
    await create.getByLabel("Monthly budget (USD)").fill("25");
    await create.getByLabel("Expires", { exact: true }).selectOption({ label: "In 30 days" });
    await create.getByRole("checkbox", { name: "OpenAI", exact: true }).check();
    await expect(create.getByText("exact names or prefixes like gpt-5*")).toBeVisible();
    // The section's summary counts what is set, so nothing is forgotten once it is folded away.
    await expect(create.getByText("5 set")).toBeVisible();
    await page.screenshot({ path: screenshotPath("create-with-limits"), fullPage: false });
    const createdAt = Date.now();
    await create.getByRole("button", { name: "Create key" }).click();

    const reveal = page.getByRole("dialog", { name: "Save your API key" });
    const oldKey = await reveal.getByRole("textbox", { name: "API key" }).inputValue();
    expect(oldKey).toMatch(LIVE_KEY);
    await reveal.getByRole("button", { name: "I've saved my key" }).click();
    await expect(reveal).toBeHidden();

    const listed = (await listKeys(request)).find((k) => k.name === name);
    expect(listed).toBeDefined();
    const id = listed!.id;
    const created = await getKeyJson(request, id);
    expect(created.limits).toEqual({ requests_per_minute: 60, tokens_per_minute: 100000, monthly_budget_usd: 25 });
    expect(created.allowed_providers).toEqual(["openai"]);
    expect(created.allowed_models).toBeNull();
    expect(created.permissions).toEqual(["proxy"]);
    expectAround(created.expires_at, createdAt + 30 * DAY);

    // The key's page shows the policy.
    await page.goto(`/dashboard/keys/${id}`);
    const policy = page.getByRole("region", { name: "Policy" });
    await expect(policy.getByRole("definition").first()).toHaveText("60");
    await expect(policy).toContainText("100,000");
    await expect(policy).toContainText("$25.00");
    await expect(policy).toContainText("OpenAI");
    await expect(policy).toContainText("All models");
    await expect(policy).toContainText("in 30 days");

    // Edit: a bad value first; the form's message shows and the dialog stays.
    await policy.getByRole("button", { name: "Edit policy" }).click();
    const edit = page.getByRole("dialog", { name: "Edit policy" });
    const editRpm = edit.getByLabel("Requests per minute");
    await expect(editRpm).toBeFocused();
    await expect(editRpm).toHaveValue("60");
    await expect(edit.getByLabel("Monthly budget (USD)")).toHaveValue("25");
    await expect(edit.getByRole("checkbox", { name: "OpenAI", exact: true })).toBeChecked();
    await editRpm.fill("0");
    await edit.getByRole("button", { name: "Save policy" }).click();
    await expect(edit.getByRole("alert")).toHaveText("Fix 1 field to continue.");
    await expect(editRpm).toHaveAccessibleDescription(/Requests per minute can't be 0/);
    await expect(edit).toBeVisible();
    await expect(editRpm).toHaveAttribute("aria-invalid", "true");
    await expect(editRpm).toBeFocused();

    await editRpm.fill("120");
    await edit.getByLabel("Monthly budget (USD)").fill("");
    await edit.getByRole("button", { name: "Save policy" }).click();
    await expect(edit).toBeHidden();
    await expect(policy.getByRole("definition").first()).toHaveText("120");
    await expect(policy).not.toContainText("$25.00");

    const edited = await getKeyJson(request, id);
    expect(edited.limits).toEqual({ requests_per_minute: 120, tokens_per_minute: 100000, monthly_budget_usd: null });
    expect(edited.allowed_providers).toEqual(["openai"]);
    expect(edited.expires_at).toBe(created.expires_at); // "Unchanged" left the expiry alone
    await page.screenshot({ path: screenshotPath("key-policy"), fullPage: false });

    // Roll with a 24-hour grace period.
    await page.getByRole("button", { name: "Roll key" }).click();
    const roll = page.getByRole("dialog", { name: `Roll “${name}”?` });
    await expect(roll.getByRole("radio")).toHaveCount(4);
    await roll.getByRole("radio", { name: "Now" }).check();
    await expect(roll).toContainText("refused as soon as the new key exists");
    await roll.getByRole("radio", { name: "24 hours" }).check();
    await expect(roll).toContainText("Both keys work until");
    await expect(roll).toContainText("(in 24 h)");
    await page.screenshot({ path: screenshotPath("roll-dialog"), fullPage: false });
    const rolledAt = Date.now();
    await roll.getByRole("button", { name: "Roll key" }).click();

    await expect(roll).toBeHidden();
    const newKey = await reveal.getByRole("textbox", { name: "API key" }).inputValue();
    expect(newKey).toMatch(LIVE_KEY);
    expect(newKey).not.toBe(oldKey);
    await expect(reveal).toContainText(`Replaces ${created.prefix}…, which keeps working until it expires in 24 h.`);
    // The page behind has refreshed: the Roll button is gone, the successor link is there.
    await expect(page.locator("[data-successor-link]")).toBeAttached();
    await reveal.getByRole("button", { name: "I've saved my key" }).click();
    await expect(reveal).toBeHidden();

    // The page now points to the successor, and focus lands on that link.
    const notice = page.getByRole("note").filter({ hasText: "Rolled to" });
    await expect(notice).toContainText("this key stops working in 24 h");
    const successorLink = notice.getByRole("link");
    await expect(successorLink).toBeFocused();
    await expect(page.getByRole("button", { name: "Roll key" })).toHaveCount(0);

    const old = await getKeyJson(request, id);
    expect(old.status).toBe("active");
    expect(old.replaced_by).toMatch(/^key_/);
    expectAround(old.expires_at, rolledAt + DAY);
    const successor = await getKeyJson(request, old.replaced_by!);
    expect(successor.rolled_from).toBe(id);
    expect(successor.name).toBe(name);
    expect(successor.limits).toEqual(edited.limits);
    expect(successor.allowed_providers).toEqual(["openai"]);
    expect(newKey.startsWith(successor.prefix)).toBe(true);
    await expect(successorLink).toHaveText(`${successor.prefix}…`);

    // Activity, newest first: rolled, changed limits, created; who and from where.
    const activity = page.getByRole("list", { name: "Activity" });
    const items = activity.getByRole("listitem").filter({ has: page.locator("time") });
    await expect(items).toHaveCount(3);
    await expect(items.nth(0)).toContainText(`Rolled to ${successor.id}`);
    await expect(items.nth(0)).toContainText("(old key works until");
    await expect(items.nth(1)).toContainText("Changed limits");
    await expect(items.nth(1)).toContainText("Requests per minute: 60 → 120");
    await expect(items.nth(1)).toContainText("Monthly budget: $25.00 → No limit");
    await expect(items.nth(2)).toContainText("Created");
    await expect(items.nth(2)).toContainText("Requests per minute: 60");
    await expect(items.nth(2)).toContainText("Allowed providers: OpenAI");
    for (let i = 0; i < 3; i++) {
      await expect(items.nth(i)).toContainText("By local");
      await expect(items.nth(i)).toContainText(/from \S*127\.0\.0\.1/);
      await expect(items.nth(i).locator("time")).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
    }
    await page.getByRole("region", { name: "Activity" }).scrollIntoViewIfNeeded();
    await page.getByRole("region", { name: "Activity" }).screenshot({ path: screenshotPath("audit-log") });

    // The table: the old key is expiring, the new one active.
    await page.goto("/dashboard/keys");
    const oldRow = page.locator(`tr[data-key-id="${id}"]`);
    const newRow = page.locator(`tr[data-key-id="${successor.id}"]`);
    await expect(oldRow).toContainText("Rolled · expires in 24 h");
    await expect(newRow).toContainText("Active");
    await expect(newRow).not.toContainText("Rolled");
    await page.screenshot({ path: screenshotPath("keys-table-rolled"), fullPage: false });

    // The successor's page links back and records how it was made.
    await newRow.getByRole("link", { name }).click();
    await expect(page).toHaveURL(new RegExp(`/dashboard/keys/${successor.id}$`));
    await expect(page.getByRole("link", { name: `${created.prefix}…` })).toBeVisible();
    await expect(page.getByRole("list", { name: "Activity" })).toContainText(`Created by rolling ${id}`);
    await expect(page.getByRole("button", { name: "Roll key" })).toBeVisible();

    // The old key's page at phone width: no sideways scroll.
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`/dashboard/keys/${id}`);
    await expect(page.getByRole("note").filter({ hasText: "Rolled to" })).toBeVisible();
    await noSidewaysScroll(page);
    await page.screenshot({ path: screenshotPath("key-policy-phone"), fullPage: true });
  });

  test("a bad limit in the create dialog shows the form's message and keeps the dialog open", async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto("/dashboard/keys");
    await headerCreateButton(page).click();
    const create = page.getByRole("dialog", { name: "Create API key" });
    await create.getByLabel("Name").fill(uniqueName("Bad limits"));
    await create.getByText("Limits and restrictions").click();
    const rpm = create.getByLabel("Requests per minute");
    await rpm.fill("-5");
    await create.getByRole("button", { name: "Create key" }).click();
    await expect(create.getByRole("alert")).toHaveText("Fix 1 field to continue.");
    await expect(rpm).toHaveAccessibleDescription(/Requests per minute can't be negative/);
    await expect(rpm).toHaveAttribute("aria-invalid", "true");
    await expect(rpm).toBeFocused();
    await expect(page.getByRole("dialog", { name: "Save your API key" })).toBeHidden();
    await noSidewaysScroll(page);
    await page.screenshot({ path: screenshotPath("create-with-limits-phone"), fullPage: false });

    // With the section closed again, the next error opens it to show the field.
    await rpm.fill("0");
    await create.getByText("Limits and restrictions").click();
    await expect(rpm).toBeHidden();
    await create.getByRole("button", { name: "Create key" }).click();
    await expect(rpm).toBeVisible();
    await expect(rpm).toBeFocused();
    await expect(create.getByRole("alert")).toHaveText("Fix 1 field to continue.");
    await expect(rpm).toHaveAccessibleDescription(/Requests per minute can't be 0/);

    // A custom date in the past is refused too.
    await rpm.fill("");
    await create.getByLabel("Expires", { exact: true }).selectOption({ label: "On a date…" });
    await create.getByLabel("Expiry date").fill("2020-01-01");
    await create.getByRole("button", { name: "Create key" }).click();
    await expect(create.getByRole("alert")).toHaveText("Fix 1 field to continue.");
    await expect(create.getByLabel("Expiry date")).toHaveAccessibleDescription(/Expiry date must be after today\./);
    await expect(create.getByLabel("Expiry date")).toBeFocused();

    await page.keyboard.press("Escape");
    await expect(create).toBeHidden();
  });
});
