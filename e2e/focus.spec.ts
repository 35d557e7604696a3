import { expect, type Page, test } from "@playwright/test";
import { createKeyViaApi, uniqueName } from "./helpers";

// Where focus lands when the page changes without a page load: after a client-side navigation
// on the new page's heading (not <body>), after a roll on the new key, and a table that
// scrolls sideways on a phone is a labelled region the keyboard can reach.

const widths = [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 390, height: 844 } },
] as const;

const heading = (page: Page) => page.getByRole("main").getByRole("heading", { level: 1 });

for (const { name: width, viewport } of widths) {
  test.describe(`focus at ${width} width`, () => {
    test.use({ viewport });

    test("a navigation focuses the new page's heading; a filter change does not", async ({ page, request }) => {
      const name = uniqueName("Focus nav");
      const key = await createKeyViaApi(request, name);
      await page.goto("/dashboard");
      // The first page of a visit keeps the browser's own focus.
      await expect(heading(page)).not.toBeFocused();

      await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "API keys" }).click();
      await expect(page).toHaveURL(/\/dashboard\/keys$/);
      await expect(heading(page)).toHaveText("API keys");
      await expect(heading(page)).toBeFocused();

      await page.getByRole("main").locator(`a[href="/dashboard/keys/${key.id}"]:visible`).first().click();
      await expect(heading(page)).toHaveText(name);
      await expect(heading(page)).toBeFocused();

      await page.goBack();
      await expect(heading(page)).toHaveText("API keys");
      await expect(heading(page)).toBeFocused();

      // Same page, other query: whoever changed the filter keeps their place.
      await page.goto("/dashboard");
      const range = page.getByRole("link", { name: "30d", exact: true });
      await range.focus();
      await range.click();
      await expect(page).toHaveURL(/range=30d/);
      await expect(heading(page)).not.toBeFocused();
    });

    test("after creating a key, focus lands on its link in the list (table or phone card)", async ({ page }) => {
      const name = uniqueName("Focus create");
      await page.goto("/dashboard/keys");
      await page.getByRole("main").getByRole("button", { name: "Create key" }).first().click();
      const create = page.getByRole("dialog", { name: "Create API key" });
      await create.getByLabel("Name").fill(name);
      await create.getByRole("button", { name: "Create key" }).click();
      const reveal = page.getByRole("dialog", { name: "Save your API key" });
      await reveal.getByRole("button", { name: "I've saved my key" }).click();
      await expect(reveal).toBeHidden();
      const focused = page.locator(":focus");
      await expect(focused).toHaveText(name);
      await expect(focused).toBeVisible();
    });

    test("after a roll, focus lands on the new key; the reveal offers to go to it", async ({ page, request }) => {
      const name = uniqueName("Focus roll");
      const key = await createKeyViaApi(request, name);
      await page.goto(`/dashboard/keys/${key.id}`);
      await page.getByRole("button", { name: "Roll key" }).click();
      const roll = page.getByRole("dialog", { name: `Roll “${name}”?` });
      await roll.getByRole("button", { name: "Roll key" }).click();
      const reveal = page.getByRole("dialog", { name: "Save your API key" });
      await expect(reveal).toBeVisible();
      const successor = page.locator("[data-successor-link]");
      await expect(successor).toBeAttached();
      const newId = (await successor.getAttribute("href"))!.split("/").at(-1)!;

      await reveal.getByRole("link", { name: "Saved: go to the new key" }).click();
      await expect(reveal).toBeHidden();
      await expect(page).toHaveURL(new RegExp(`/dashboard/keys/${newId}$`));
      await expect(heading(page)).toHaveText(name);
      await expect(heading(page)).toBeFocused();
      // The key itself is nowhere on the page it was shown on.
      await expect(page.getByRole("textbox", { name: "API key" })).toHaveCount(0);
    });
  });
}

test.describe("tables that scroll sideways", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("are focusable regions named after their table, only while they scroll", async ({ page, request }) => {
    // One request gives the key page its requests table.
    const key = await createKeyViaApi(request, uniqueName("Focus table"), "test");
    const res = await request.post("/v1/openai/chat/completions", {
      headers: { Authorization: `Bearer ${key.key}` },
      data: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] },
    });
    expect(res.status()).toBe(200);
    await expect
      .poll(async () => (await (await request.get(`/api/usage?environment=test&key_id=${key.id}`)).json()).totals.requests, {
        timeout: 15_000,
      })
      .toBe(1);
    await page.goto(`/dashboard/keys/${key.id}`);
    await expect(page.getByRole("main").locator("table").first()).toBeVisible();
    const read = () =>
      page.locator("main .overflow-x-auto:has(> table)").evaluateAll((els) =>
        els.map((el) => ({
          scrolls: el.scrollWidth > el.clientWidth + 1,
          tabIndex: el.getAttribute("tabindex"),
          role: el.getAttribute("role"),
          label: el.getAttribute("aria-label"),
          caption: el.querySelector("caption")?.textContent?.trim() ?? null,
        })),
      );
    // The region is set once the page has hydrated and measured its tables: wait for that first.
    await expect.poll(async () => (await read()).every((b) => b.scrolls === (b.role === "region")), { timeout: 10_000 }).toBe(true);
    const boxes = await read();
    expect(boxes.length).toBeGreaterThan(0);
    for (const b of boxes) {
      if (b.scrolls) expect(b).toMatchObject({ tabIndex: "0", role: "region", label: `${b.caption}, scrolls sideways` });
      else expect(b).toMatchObject({ tabIndex: null, role: null });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect(page.locator("main [role=region][tabindex='0']:has(> table)")).toHaveCount(0);
  });
});
