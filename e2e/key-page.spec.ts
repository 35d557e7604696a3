import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./axe";
import { createKeyViaApi, screenshotPath, uniqueName } from "./helpers";

// One key's page in daily use: real calls through the gateway with test keys (answered by the
// built-in simulator), its requests 20 to a page, a row's details, the empty state, and a key
// whose monthly budget is spent.

const VIEWPORTS = [
  { label: "desktop", viewport: { width: 1280, height: 800 }, maxTop: 2_500 },
  { label: "phone", viewport: { width: 390, height: 844 }, maxTop: 6_000 },
] as const;

async function chat(request: APIRequestContext, key: string, content: string, model = "gpt-4o-mini"): Promise<number> {
  const res = await request.post("/v1/openai/chat/completions", {
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    data: JSON.stringify({ model, messages: [{ role: "user", content }] }),
  });
  await res.body();
  return res.status();
}

/** Usage is written about once a second: wait until the key's requests have all landed. */
async function waitForRequests(request: APIRequestContext, keyId: string, requests: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/usage?environment=test&key_id=${keyId}`);
        return ((await res.json()) as { totals: { requests: number } }).totals.requests;
      },
      { timeout: 15_000 },
    )
    .toBe(requests);
}

const recentTable = (page: Page) => page.getByRole("table", { name: /Recent requests/ });
const pager = (page: Page) => page.getByRole("navigation", { name: "Recent requests pages" });

async function noSidewaysScroll(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
}

for (const { label, viewport, maxTop } of VIEWPORTS) {
  test.describe(`key page (${label})`, () => {
    test.use({ viewport });

    test("a busy key pages 20 requests at a time and a row opens its details", async ({ page, request }) => {
      test.setTimeout(60_000);
      const key = await createKeyViaApi(request, uniqueName("Busy key"), "test");
      const statuses: number[] = [];
      for (let batch = 0; batch < 5; batch++) {
        statuses.push(...(await Promise.all(Array.from({ length: 5 }, (_, i) => chat(request, key.key, `Request ${batch}-${i}`)))));
      }
      expect(statuses.every((s) => s === 200)).toBe(true);
      await waitForRequests(request, key.id, 25);

      await page.goto(`/dashboard/keys/${key.id}`);
      await expect(recentTable(page).locator("tbody tr[data-request-row]")).toHaveCount(20);
      await expect(pager(page)).toContainText("Showing 1–20 of 25 requests");
      await expect(pager(page).getByRole("button", { name: "Newer" })).toBeDisabled();

      // The activity log is within a bounded scroll, not 50 rows down.
      const activity = page.getByRole("heading", { name: "Activity", exact: true });
      const activityTop = await activity.evaluate((h) => h.getBoundingClientRect().top + window.scrollY);
      expect(activityTop).toBeLessThan(maxTop);
      await activity.scrollIntoViewIfNeeded();
      await expect(activity).toBeInViewport();
      await noSidewaysScroll(page);

      await pager(page).getByRole("link", { name: "Older" }).click();
      await expect(page).toHaveURL(/\?requests=older\.\d+$/);
      await expect(recentTable(page).locator("tbody tr[data-request-row]")).toHaveCount(5);
      await expect(pager(page)).toContainText("Showing 21–25 of 25 requests");
      await expect(pager(page).getByRole("button", { name: "Older" })).toBeDisabled();
      await pager(page).getByRole("link", { name: "Newer" }).click();
      await expect(page).toHaveURL(new RegExp(`/dashboard/keys/${key.id}$`));
      await expect(pager(page)).toContainText("Showing 1–20 of 25 requests");

      // A garbage or foreign cursor is the first page, never an error.
      for (const cursor of ["garbage", "older.99999999999", "older.1'--", "x".repeat(500)]) {
        const res = await page.goto(`/dashboard/keys/${key.id}?requests=${encodeURIComponent(cursor)}`);
        expect(res?.status(), cursor).toBe(200);
        await expect(pager(page)).toContainText("Showing 1–20 of 25 requests");
      }

      // The newest row's details: endpoint, status in words, time to first byte, tokens, cost.
      const open = recentTable(page)
        .getByRole("button", { name: /^Details of the request at / })
        .first();
      await expect(open).toHaveAttribute("aria-expanded", "false");
      await open.click();
      await expect(open).toHaveAttribute("aria-expanded", "true");
      const details = page.locator(`#${await open.getAttribute("aria-controls")}`);
      await expect(details).toBeVisible();
      await expect(recentTable(page).locator("tbody tr")).toHaveCount(21); // one details row, under its request
      await expect(details).toContainText("Endpoint/chat/completions");
      await expect(details).toContainText("HTTP status200 OK");
      await expect(details).toContainText(/Time to first byte\d+ ms/);
      await expect(details).toContainText(/Total latency\d+ ms/);
      await expect(details).toContainText(/Input tokens[1-9]\d*/);
      await expect(details).toContainText(/Output tokens[1-9]\d*/);
      await expect(details).toContainText(/Cost\$0\.0\d+/);
      await expect(details).toContainText("StreamedNo");
      await expect(details).not.toContainText(key.key);
      await expect(details).not.toContainText(key.prefix);
      await noSidewaysScroll(page);
      await expectNoSeriousA11yViolations(page, `key page with a request's details open (${label})`);
      await page.screenshot({ path: screenshotPath(`key-page-${label}`), fullPage: true });
      await details.scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenshotPath(`key-page-${label}-details`) });

      await open.click();
      await expect(open).toHaveAttribute("aria-expanded", "false");
      await expect(details).toHaveCount(0);
      await expect(open).not.toHaveAttribute("aria-controls");
    });

    test("a key with no requests shows one empty state, not two empty charts", async ({ page, request }) => {
      const key = await createKeyViaApi(request, uniqueName("Unused key"), "test");
      await page.goto(`/dashboard/keys/${key.id}`);
      const empty = page.getByRole("region", { name: "No requests with this key yet" });
      await expect(empty).toBeVisible();
      await expect(empty.locator("pre")).toContainText(`Authorization: Bearer ${key.prefix}…`);
      await expect(page.locator("[data-empty-usage]")).toHaveCount(1);
      await expect(page.locator("[data-chart]")).toHaveCount(0);
      await expect(page.getByRole("heading", { name: "Recent requests" })).toHaveCount(0);
      await noSidewaysScroll(page);
    });

    test("a key over its tiny budget: Budget reached, spend against budget, refusals, no unusual activity", async ({ page, request }) => {
      test.setTimeout(60_000);
      const key = await createKeyViaApi(request, uniqueName("Spent key"), "test");
      const patched = await request.patch(`/api/keys/${key.id}`, { data: { limits: { monthly_budget_usd: 0.0001 } } });
      expect(patched.status()).toBe(200);
      // One simulated gpt-4o call costs more than $0.0001: the budget is spent after it.
      let calls = 0;
      while ((await chat(request, key.key, `Spend ${calls}`, "gpt-4o")) === 200) {
        calls++;
        expect(calls).toBeLessThan(5);
      }
      const refused = 30;
      for (let i = 1; i < refused; i++) expect(await chat(request, key.key, `Refused ${i}`, "gpt-4o")).toBe(402);
      await waitForRequests(request, key.id, calls + refused);

      await page.goto(`/dashboard/keys/${key.id}`);
      const main = page.getByRole("main");
      const notice = main.getByRole("alert").filter({ hasText: "Budget reached" });
      await expect(notice).toContainText(/Every call gets 402 until [A-Z][a-z]{2} 1 \(UTC\)\. Raise the budget to resume\./);
      await expect(main).not.toContainText("Unusual activity");
      await expect(main).not.toContainText("if this key may have leaked");

      const policy = page.getByRole("region", { name: "Policy" });
      const meter = policy.getByRole("progressbar", { name: "Monthly budget used" });
      await expect(meter).toHaveAttribute("aria-valuenow", "100");
      await expect(policy).toContainText(/\$0\.0\d+ of \$0\.0001 this month · resets [A-Z][a-z]{2} 1/);
      await expect(policy).toContainText(`Rate-limited: 0, over budget: ${refused}, blocked by allow-list: 0`);

      const newest = recentTable(page)
        .getByRole("button", { name: /^Details of the request at / })
        .first();
      await newest.click();
      await expect(newest).toHaveAttribute("aria-expanded", "true");
      const details = page.locator(`#${await newest.getAttribute("aria-controls")}`);
      await expect(details).toContainText("402 Budget reached");
      await expect(details).toContainText("The gateway refused the call");
      await expect(details).toContainText("Time to first byteNone: the gateway answered itself");

      // The notice's way out is the page's own policy dialog.
      await notice.getByRole("button", { name: "Edit policy" }).click();
      const dialog = page.getByRole("dialog", { name: "Edit policy" });
      await expect(dialog.getByLabel("Monthly budget (USD)")).toBeVisible();
      await page.keyboard.press("Escape");
      await expect(dialog).toBeHidden();
      await noSidewaysScroll(page);
      await expectNoSeriousA11yViolations(page, `key page of a spent key (${label})`);
      await page.screenshot({ path: screenshotPath(`key-page-budget-${label}`), fullPage: false });
    });
  });
}
