import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./axe";
import { createKeyViaApi, keyRow, openRowAction, screenshotPath, uniqueName } from "./helpers";

// The keys list at scale: long names, the row menu, the view in the URL, budget and disabled
// states, at desktop and phone widths. Other specs share the database: every check is scoped
// to this test's own keys (by search) or holds for any row.

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const widths = [
  { label: "desktop", viewport: DESKTOP },
  { label: "phone", viewport: PHONE },
] as const;

const DISABLED_MESSAGE = "This NeuronEdge API key is disabled. Its owner can enable it again.";

async function chat(request: APIRequestContext, key: string): Promise<{ status: number; message?: string }> {
  const res = await request.post("/v1/openai/chat/completions", {
    headers: { Authorization: `Bearer ${key}` },
    data: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello from the keys table test" }] },
  });
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return { status: res.status(), message: body?.error?.message };
}

const shownRows = (page: Page) => page.locator("[data-key-row]").filter({ visible: true });

const box = async (l: Locator) => (await l.boundingBox())!;

/** Every shown row's actions button lies inside its row (or card), its table and the viewport. */
async function expectActionsInside(page: Page, width: number) {
  const rows = shownRows(page);
  const count = await rows.count();
  expect(count).toBeGreaterThan(0);
  const frame = await box(page.getByRole("table", { name: "API keys" }));
  for (let i = 0; i < count; i++) {
    const row = rows.nth(i);
    const button = row.getByRole("button", { name: /^Actions for/ });
    if ((await button.count()) === 0) continue; // revoked keys have no actions
    const [r, b] = [await box(row), await box(button)];
    expect(b.x + b.width, `row ${i}: actions inside the row`).toBeLessThanOrEqual(r.x + r.width + 0.5);
    expect(b.x + b.width, `row ${i}: actions inside the table`).toBeLessThanOrEqual(frame.x + frame.width + 0.5);
    expect(b.x + b.width, `row ${i}: actions inside the viewport`).toBeLessThanOrEqual(width);
  }
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
}

for (const { label, viewport } of widths) {
  test.describe(`keys list, ${label}`, () => {
    test.use({ viewport });

    test("a 64-character name truncates and every row keeps its actions in view", async ({ page, request }) => {
      const name = uniqueName("Long").padEnd(64, "x");
      expect(name).toHaveLength(64);
      const created = await createKeyViaApi(request, name);
      await page.goto("/dashboard/keys");
      const row = keyRow(page, name);
      await expect(row).toHaveCount(1);
      const link = row.getByRole("link", { name });
      await expect(link).toHaveAttribute("title", name);
      expect(await link.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
      // Name, status, prefix, environment, last used and actions together.
      await expect(row.getByText("Active")).toBeVisible();
      await expect(row).toContainText(`${created.prefix}…`);
      await expect(row.getByText("live", { exact: true })).toBeVisible();
      await expect(row.getByText("Never")).toBeVisible();
      if (viewport.width >= 640) await expect(page.getByRole("columnheader", { name: "Status" })).toBeVisible();
      await expectActionsInside(page, viewport.width);
      await page.screenshot({ path: screenshotPath(`keys-list-${label}`), fullPage: true });
      await expectNoSeriousA11yViolations(page, `keys list, ${label}`);

      // The menu open, then the disable dialog it leads to.
      await row.getByRole("button", { name: `Actions for “${name}”` }).click();
      const menu = page.getByRole("menu", { name: `Actions for “${name}”` });
      await expect(menu.getByRole("menuitem")).toHaveText(["Rename", "Edit policy", "Roll", "Disable", "Revoke"]);
      const m = await box(menu);
      expect(m.x).toBeGreaterThanOrEqual(0);
      expect(m.x + m.width).toBeLessThanOrEqual(viewport.width);
      await expectNoSeriousA11yViolations(page, `row menu, ${label}`);
      await menu.getByRole("menuitem", { name: "Disable" }).click();
      const dialog = page.getByRole("alertdialog", { name: `Disable “${name}”?` });
      await expect(dialog).toContainText("401");
      await expect(dialog).toContainText("can be undone");
      await expectNoSeriousA11yViolations(page, `disable dialog, ${label}`);
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await expect(dialog).toBeHidden();
      await expect(row.getByRole("button", { name: `Actions for “${name}”` })).toBeFocused();
    });

    test("a spent monthly budget shows Budget reached and when calls work again", async ({ page, request }) => {
      const name = uniqueName("Tiny budget");
      const res = await request.post("/api/keys", { data: { name, environment: "test", limits: { monthly_budget_usd: 0.0001 } } });
      expect(res.status()).toBe(201);
      const key = (await res.json()) as { key: string };
      let status = 0;
      for (let i = 0; i < 30 && status !== 402; i++) status = (await chat(request, key.key)).status;
      expect(status).toBe(402);

      await page.goto(`/dashboard/keys?q=${encodeURIComponent(name)}`);
      const row = keyRow(page, name);
      const now = new Date();
      const reset = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
      const day = reset.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
      await expect(row.getByText("Budget reached")).toBeVisible();
      await expect(row.getByText(`402 until ${day}`)).toBeVisible();
      await expect(row.getByText("Active", { exact: true })).toHaveCount(0);
      // The month's spend, in the cost column (desktop) or the card.
      await expect(row).toContainText(/\$0\.000\d+/);
      await page.getByLabel("Status").selectOption("budget");
      await expect(page).toHaveURL(/status=budget/);
      await expect(keyRow(page, name)).toHaveCount(1);
    });
  });
}

test.describe("keys list, desktop only", () => {
  test.use({ viewport: DESKTOP });

  test("the row menu works from the keyboard", async ({ page, request }) => {
    const name = uniqueName("Keyboard");
    await createKeyViaApi(request, name);
    await page.goto(`/dashboard/keys?q=${encodeURIComponent(name)}`);
    const button = keyRow(page, name).getByRole("button", { name: `Actions for “${name}”` });
    await expect(button).toHaveAttribute("aria-haspopup", "menu");
    await button.focus();
    await page.keyboard.press("Enter");
    const menu = page.getByRole("menu", { name: `Actions for “${name}”` });
    const item = (n: string) => menu.getByRole("menuitem", { name: n, exact: true });
    await expect(button).toHaveAttribute("aria-expanded", "true");
    await expect(item("Rename")).toBeFocused();
    await page.keyboard.press("ArrowDown");
    await expect(item("Edit policy")).toBeFocused();
    await page.keyboard.press("End");
    await expect(item("Revoke")).toBeFocused();
    await page.keyboard.press("ArrowDown");
    await expect(item("Rename")).toBeFocused();
    await page.keyboard.press("ArrowUp");
    await expect(item("Revoke")).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(menu).toBeHidden();
    await expect(button).toBeFocused();

    // ArrowUp opens on the last item; a click outside closes.
    await page.keyboard.press("ArrowUp");
    await expect(item("Revoke")).toBeFocused();
    await page.getByRole("heading", { name: "API keys", level: 1 }).click();
    await expect(menu).toBeHidden();

    // An item opens its dialog, which hands focus back to the menu button.
    await button.focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    const rename = page.getByRole("dialog", { name: "Rename API key" });
    await expect(rename).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(rename).toBeHidden();
    await expect(button).toBeFocused();
  });

  test("search, filters and sort change the rows and the URL, which reproduces the view", async ({ page, request }) => {
    const tag = uniqueName("View");
    const alpha = await createKeyViaApi(request, `${tag} alpha`);
    await createKeyViaApi(request, `${tag} beta`, "test");
    const gamma = await createKeyViaApi(request, `${tag} gamma`);
    expect((await request.post(`/api/keys/${gamma.id}/disable`)).status()).toBe(200);
    const names = () => keyRow(page, tag).getByRole("link").filter({ hasText: tag });

    await page.goto("/dashboard/keys");
    await page.getByLabel("Search").fill(tag);
    await expect(page).toHaveURL(`/dashboard/keys?q=${encodeURIComponent(tag).replace(/%20/g, "+")}`);
    await expect(names()).toHaveText([`${tag} gamma`, `${tag} beta`, `${tag} alpha`]);

    await page.getByLabel("Environment").selectOption("test");
    await expect(page).toHaveURL(/env=test/);
    await expect(names()).toHaveText([`${tag} beta`]);
    await page.getByLabel("Environment").selectOption("all");
    await page.getByLabel("Status").selectOption("disabled");
    await expect(page).toHaveURL(/status=disabled/);
    await expect(names()).toHaveText([`${tag} gamma`]);
    await expect(keyRow(page, tag).getByText("Disabled")).toBeVisible();
    await page.getByLabel("Status").selectOption("all");
    await page.getByLabel("Sort by").selectOption("name");
    await expect(page).toHaveURL(/sort=name/);
    await expect(names()).toHaveText([`${tag} alpha`, `${tag} beta`, `${tag} gamma`]);

    // The link alone reproduces the view, rendered on the server.
    const url = page.url();
    await page.goto("about:blank");
    await page.goto(url);
    await expect(page.getByLabel("Search")).toHaveValue(tag);
    await expect(page.getByLabel("Sort by")).toHaveValue("name");
    await expect(names()).toHaveText([`${tag} alpha`, `${tag} beta`, `${tag} gamma`]);

    // By prefix, then nothing, then back.
    await page.goto(`/dashboard/keys?q=${alpha.prefix}`);
    await expect(shownRows(page)).toHaveCount(1);
    await expect(names()).toHaveText([`${tag} alpha`]);
    await page.getByLabel("Search").fill(`${tag} nothing like this`);
    await expect(page.getByRole("heading", { name: "No keys match" })).toBeVisible();
    await page.getByRole("link", { name: "Clear filters" }).click();
    await expect(page).toHaveURL("/dashboard/keys");
    await expect(page.getByLabel("Search")).toHaveValue("");
    await expect(page.getByText(/\d+ active keys?/)).toBeVisible();
  });

  test("same-named keys show their prefixes; a rolled key links to its successor", async ({ page, request }) => {
    const name = uniqueName("Twin");
    const first = await createKeyViaApi(request, name);
    const second = await createKeyViaApi(request, name);
    const rolled = await request.post(`/api/keys/${first.id}/roll`, { data: { grace_seconds: 3600 } });
    expect(rolled.status()).toBe(201);
    const successor = (await rolled.json()) as { id: string; prefix: string };
    await page.goto(`/dashboard/keys?q=${encodeURIComponent(name)}`);
    const rows = keyRow(page, name);
    await expect(rows).toHaveCount(3);
    for (const k of [first, second, successor]) {
      await expect(page.locator(`[data-key-row][data-key-id="${k.id}"]:visible [data-name-prefix]`)).toHaveText(`${k.prefix}…`);
    }
    const link = page.locator(`[data-key-row][data-key-id="${first.id}"]:visible`).getByRole("link", { name: `${successor.prefix}…` });
    await expect(link).toHaveAttribute("href", `/dashboard/keys/${successor.id}`);
    await expect(page.locator(`[data-key-row][data-key-id="${first.id}"]:visible`)).toContainText(`Replaced by ${successor.prefix}…`);
  });

  test("more than 50 matching keys are paged", async ({ page, request }) => {
    test.setTimeout(90_000);
    const tag = uniqueName("Paged");
    const ids: string[] = [];
    for (let i = 0; i < 51; i += 17) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(17, 51 - i) }, (_, j) => createKeyViaApi(request, `${tag} ${String(i + j).padStart(2, "0")}`)),
      );
      ids.push(...batch.map((k) => k.id));
    }
    await page.goto(`/dashboard/keys?q=${encodeURIComponent(tag)}&sort=name`);
    await expect(keyRow(page, tag)).toHaveCount(50);
    const pages = page.getByRole("navigation", { name: "Pages of API keys" });
    await expect(pages).toContainText("1–50 of 51 keys · Page 1 of 2");
    await pages.getByRole("link", { name: "Next" }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(keyRow(page, tag)).toHaveCount(1);
    await expect(keyRow(page, tag)).toContainText(`${tag} 50`);
    await expect(pages).toContainText("Page 2 of 2");
    // Leave the shared list as short as it was.
    for (const id of ids) expect((await request.delete(`/api/keys/${id}`)).status()).toBe(200);
  });
});

for (const { label, viewport } of widths) {
  test(`disable from the dashboard refuses the key's calls with 401; enable lets them through (${label})`, async ({ page, request }) => {
    await page.setViewportSize(viewport);
    const name = uniqueName("Toggle");
    const key = await createKeyViaApi(request, name, "test");
    expect((await chat(request, key.key)).status).toBe(200);

    await page.goto(`/dashboard/keys?q=${encodeURIComponent(name)}`);
    await openRowAction(page, name, "Disable");
    const disable = page.getByRole("alertdialog", { name: `Disable “${name}”?` });
    await disable.getByRole("button", { name: "Disable key" }).click();
    await expect(disable).toBeHidden();
    await expect(keyRow(page, name).getByText("Disabled")).toBeVisible();
    await expect.poll(() => chat(request, key.key), { timeout: 10_000 }).toEqual({ status: 401, message: DISABLED_MESSAGE });

    await openRowAction(page, name, "Enable");
    const enable = page.getByRole("dialog", { name: `Enable “${name}”?` });
    await expectNoSeriousA11yViolations(page, `enable dialog, ${label}`);
    await enable.getByRole("button", { name: "Enable key" }).click();
    await expect(enable).toBeHidden();
    await expect(keyRow(page, name).getByText("Active")).toBeVisible();
    await expect.poll(async () => (await chat(request, key.key)).status, { timeout: 10_000 }).toBe(200);
  });
}
