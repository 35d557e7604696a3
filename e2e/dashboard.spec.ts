import { expect, test } from "@playwright/test";
import { createKeyViaApi, listKeys, screenshotPath, uniqueName } from "./helpers";

test.describe("dashboard shell and overview", () => {
  test("the root redirects to the overview, which shows counts and a curl example", async ({ page, request, baseURL }) => {
    await createKeyViaApi(request, uniqueName("Overview key"));
    const live = (await listKeys(request)).filter((k) => k.environment === "live" && k.status === "active").length;

    await page.goto("/");
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    await expect(
      page.getByText("Local mode: no sign-in; this dashboard is only reachable from this machine. Configure Clerk to share it."),
    ).toBeVisible();
    await expect(page.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");

    const summary = page.getByRole("region", { name: "Summary" });
    // Active keys counts the keys with requests in the view, of all the environment's keys.
    await expect(summary).toContainText(`of ${live} live key${live === 1 ? "" : "s"}`);

    const curl = page.locator("pre");
    await expect(curl).toContainText(`curl ${baseURL}/v1/openai/chat/completions`);
    await expect(curl).toContainText('-H "Authorization: Bearer ne_live_…"');
    await expect(curl).toContainText('-H "X-Provider-API-Key: sk-…"');
    await page.getByRole("button", { name: "Copy curl" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain("/v1/openai/chat/completions");
    await page.screenshot({ path: screenshotPath("overview"), fullPage: true });

    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "API keys" }).click();
    await expect(page).toHaveURL(/\/dashboard\/keys$/);
    await expect(page.getByRole("heading", { level: 1, name: "API keys" })).toBeVisible();
    await expect(page.getByRole("link", { name: "API keys" })).toHaveAttribute("aria-current", "page");
  });

  test("creating a key from the overview updates the count", async ({ page, request }) => {
    await page.goto("/dashboard");
    const before = (await listKeys(request)).filter((k) => k.environment === "live" && k.status === "active").length;
    await page.getByRole("main").getByRole("button", { name: "Create key" }).click();
    const createDialog = page.getByRole("dialog", { name: "Create API key" });
    await createDialog.getByLabel("Name").fill(uniqueName("From overview"));
    await createDialog.getByRole("button", { name: "Create key" }).click();
    const reveal = page.getByRole("dialog", { name: "Save your API key" });
    await reveal.getByRole("button", { name: "I've saved my key" }).click();
    await expect(page.getByRole("region", { name: "Summary" })).toContainText(`of ${before + 1} live key${before === 0 ? "" : "s"}`);
  });

  test("phone width: the overview does not scroll sideways", async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto("/dashboard");
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await page.screenshot({ path: screenshotPath("overview-phone"), fullPage: true });
  });
});
