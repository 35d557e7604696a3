import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./axe";
import { createKeyViaApi, screenshotPath, uniqueName } from "./helpers";

// The overview's daily controls: provider and model filters, a model row that filters by its
// model, per-key totals, a custom date range (and a bad one), and one precision per cost column.
// Other specs send test traffic too, so expected numbers come from the usage API's own filters.

interface Totals {
  requests: number;
  input_tokens: number;
  output_tokens: number;
}

async function usage(request: APIRequestContext, query: string): Promise<{ totals: Totals; data: { key_id: string }[] }> {
  const res = await request.get(`/api/usage?environment=test&${query}`);
  expect(res.status()).toBe(200);
  return res.json();
}

async function send(request: APIRequestContext, key: string, path: string, model: string, content: string) {
  const res = await request.post(path, {
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    data: { model, max_tokens: 64, messages: [{ role: "user", content }] },
  });
  expect(res.status()).toBe(200);
  await res.body();
}

const fmt = (n: number) => n.toLocaleString("en-US");
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const OPENAI = "/v1/openai/chat/completions";
const ANTHROPIC = "/v1/anthropic/v1/messages";

/** The dollar amounts of a table's cost column share one number of decimals. */
async function expectOneCostPrecision(page: Page, table: string) {
  const texts = await page.getByRole("table", { name: table }).locator("td[data-cost]").allInnerTexts();
  const decimals = texts.flatMap((t) => [...t.matchAll(/\$[\d,]+\.(\d+)/g)].map((m) => m[1].length));
  expect(decimals.length, `${table}: amounts`).toBeGreaterThan(1);
  expect(new Set(decimals).size, `${table}: decimals of ${texts.join(" | ")}`).toBe(1);
}

/** A stat card's value, by its label. */
const stat = (page: Page, label: string) =>
  page.getByRole("region", { name: "Summary" }).getByText(label, { exact: true }).locator("xpath=following-sibling::div[1]");

/** The requests cell of a key's row in the per-key table. */
const keyRequests = (page: Page, name: string) =>
  page.getByRole("table", { name: "Usage by key" }).getByRole("row").filter({ hasText: name }).locator("td").nth(1);

const widths = [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 390, height: 844 } },
] as const;

for (const { name: width, viewport } of widths) {
  test.describe(`usage controls at ${width} width`, () => {
    test.use({ viewport });

    test("model and provider filters, model rows, per-key totals, custom range, cost columns", async ({ page, request }) => {
      test.setTimeout(90_000);
      const webName = uniqueName("Web app");
      const batchName = uniqueName("Batch jobs");
      const web = await createKeyViaApi(request, webName, "test");
      const batch = await createKeyViaApi(request, batchName, "test");
      // Web: 2 × gpt-4o-mini (cheap) and 1 × claude-opus-4-1 (dear); Batch: 2 × claude-opus-4-1 only.
      await send(request, web.key, OPENAI, "gpt-4o-mini", "Hello from the web app");
      await send(request, web.key, OPENAI, "gpt-4o-mini", "A second question, a little longer than the first one");
      await send(request, web.key, ANTHROPIC, "claude-opus-4-1", "Hi Claude");
      await send(request, batch.key, ANTHROPIC, "claude-opus-4-1", "Summarise the batch");
      await send(request, batch.key, ANTHROPIC, "claude-opus-4-1", "And the next batch");
      for (const [id, n] of [
        [web.id, 3],
        [batch.id, 2],
      ] as const) {
        await expect.poll(async () => (await usage(request, `key_id=${id}`)).totals.requests, { timeout: 15_000 }).toBe(n);
      }
      const all = await usage(request, "group_by=key");
      const mini = await usage(request, "provider=openai&model=gpt-4o-mini&group_by=key");

      await page.goto("/dashboard?env=test");
      const summary = page.getByRole("region", { name: "Summary" });
      const keysTable = page.getByRole("table", { name: "Usage by key" });
      await expect(stat(page, "Requests")).toHaveText(fmt(all.totals.requests));
      await expect(stat(page, "Active keys")).toHaveText(fmt(all.data.length));
      await expect(keysTable.getByRole("link", { name: webName, exact: true })).toBeVisible();
      await expect(keysTable.getByRole("link", { name: batchName, exact: true })).toBeVisible();
      await expectOneCostPrecision(page, "Usage by model");
      await expectOneCostPrecision(page, "Usage by key");

      // The model select narrows every number and the per-key table: Batch never used gpt-4o-mini.
      await page.getByLabel("Model", { exact: true }).selectOption({ label: "gpt-4o-mini (openai)" });
      await expect(page).toHaveURL(/provider=openai&model=gpt-4o-mini/);
      await expect(summary).toContainText("Showing: Test keys · openai · gpt-4o-mini · last 7 days");
      await expect(stat(page, "Requests")).toHaveText(fmt(mini.totals.requests));
      await expect(stat(page, "Active keys")).toHaveText(fmt(mini.data.length));
      expect(mini.data.length).toBeLessThan(all.data.length);
      await expect(keysTable.getByRole("link", { name: webName, exact: true })).toBeVisible();
      await expect(keysTable.getByRole("link", { name: batchName, exact: true })).toHaveCount(0);
      await expect(keyRequests(page, webName)).toHaveText("2");
      const models = page.getByRole("table", { name: "Usage by model" });
      await expect(models.locator("tbody tr")).toHaveCount(1);
      await expect(page.getByRole("link", { name: "Download CSV" })).toHaveAttribute("href", /provider=openai&model=gpt-4o-mini/);

      // Back to all models, then a model row filters by its provider and model.
      await page.getByLabel("Provider", { exact: true }).selectOption({ label: "All providers" });
      await expect(page).not.toHaveURL(/provider=/);
      await models.getByRole("link", { name: /^claude-opus-4-1 \(anthropic\)/ }).click();
      await expect(page).toHaveURL(/provider=anthropic&model=claude-opus-4-1/);
      await expect(page.getByLabel("Model", { exact: true })).toHaveValue("anthropic/claude-opus-4-1");
      const opus = await usage(request, "provider=anthropic&model=claude-opus-4-1&group_by=key");
      await expect(stat(page, "Requests")).toHaveText(fmt(opus.totals.requests));
      await expect(stat(page, "Active keys")).toHaveText(fmt(opus.data.length));
      await expect(keyRequests(page, batchName)).toHaveText("2");
      await expect(keyRequests(page, webName)).toHaveText("1");

      // A key's name filters to that key, keeping the model; its key page is one link away.
      await keysTable.getByRole("link", { name: batchName, exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`key=${batch.id}.*provider=anthropic&model=claude-opus-4-1`));
      await expect(stat(page, "Requests")).toHaveText("2");
      await expect(stat(page, "Active keys")).toHaveText("1");
      await expect(keysTable.getByRole("link", { name: `Key page of ${batchName}` })).toHaveAttribute(
        "href",
        `/dashboard/keys/${batch.id}`,
      );

      // A custom range: applied from the date inputs, shown as "Custom", filters kept.
      await page.goto("/dashboard?env=test&provider=openai&model=gpt-4o-mini");
      await page.getByLabel("From (UTC)").fill(daysAgo(2));
      await page.getByLabel("To (UTC)").fill(today());
      await page.getByRole("button", { name: "Apply" }).click();
      await expect(page).toHaveURL(new RegExp(`from=${daysAgo(2)}&to=${today()}.*provider=openai&model=gpt-4o-mini`));
      const range = page.getByRole("group", { name: "Time range" });
      await expect(range.getByRole("link", { name: "Custom" })).toHaveAttribute("aria-current", "true");
      await expect(range.getByRole("link", { name: "7d" })).not.toHaveAttribute("aria-current", "true");
      await expect(page.getByRole("heading", { name: "Tokens per day" })).toBeVisible();
      await expect(stat(page, "Requests")).toHaveText(fmt(mini.totals.requests));
      await expect(page.locator('[data-chart="tokens-chart"] .recharts-bar-rectangle path').first()).toBeVisible();

      // A bad range says why in plain words and falls back to the preset.
      await page.getByLabel("From (UTC)").fill(today());
      await page.getByLabel("To (UTC)").fill(daysAgo(3));
      await page.getByRole("button", { name: "Apply" }).click();
      const alert = page.getByRole("main").getByRole("alert");
      await expect(alert).toContainText("is after the end date");
      await expect(alert).toContainText("Showing the last 7 days instead.");
      await expect(range.getByRole("link", { name: "7d" })).toHaveAttribute("aria-current", "true");
      await expect(stat(page, "Requests")).toHaveText(fmt(mini.totals.requests));
      await expect(page.getByLabel("From (UTC)")).toHaveAttribute("aria-invalid", "true");
      // The refused dates stay in the inputs, to be corrected.
      await expect(page.getByLabel("From (UTC)")).toHaveValue(today());
      await expect(page.getByLabel("To (UTC)")).toHaveValue(daysAgo(3));
      await page.screenshot({ path: screenshotPath(`overview-range-error-${width}`), fullPage: false });
      const future = await page.goto(`/dashboard?env=test&from=${today()}&to=2999-01-01`);
      expect(future?.status()).toBe(200);
      await expect(page.getByRole("main").getByRole("alert")).toContainText("is in the future");

      // The whole view, scanned and photographed.
      await page.goto("/dashboard?env=test");
      await expect(keysTable).toBeVisible();
      await expectNoSeriousA11yViolations(page, `overview with filters (${width})`);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      await page.screenshot({ path: screenshotPath(`overview-${width}`), fullPage: true });
    });
  });
}
