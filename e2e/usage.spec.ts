import { readFile } from "node:fs/promises";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import { createKeyViaApi, keyRow, screenshotPath, uniqueName } from "./helpers";

// Usage analytics end to end: real requests through the gateway with test keys (answered by
// the built-in simulator, no provider key), then the dashboard, the CSV and the key's page.

type Body = Record<string, unknown>;

async function send(request: APIRequestContext, key: string, path: string, data: Body | string): Promise<number> {
  const res = await request.post(path, {
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    data: typeof data === "string" ? data : JSON.stringify(data),
  });
  await res.body(); // read to the end, so a streamed response is metered as complete
  return res.status();
}

const chat = (model: string, content: string, extra: Body = {}) => ({ model, messages: [{ role: "user", content }], ...extra });

interface Totals {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  unpriced_requests: number;
}

async function usageTotals(request: APIRequestContext, query: string): Promise<Totals> {
  const res = await request.get(`/api/usage?${query}`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { totals: Totals }).totals;
}

/** Usage is written in batches about once a second: wait until the gateway's events have landed. */
async function waitForUsage(request: APIRequestContext, keyId: string, requests: number): Promise<Totals> {
  let totals: Totals | null = null;
  await expect
    .poll(async () => (totals = await usageTotals(request, `environment=test&key_id=${keyId}`)).requests, { timeout: 15_000 })
    .toBe(requests);
  return totals!;
}

async function noSidewaysScroll(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
}

const fmt = (n: number) => n.toLocaleString("en-US");

test.describe("usage analytics", () => {
  test("traffic through the gateway shows up in the overview, the CSV and the key's page", async ({ page, request }) => {
    test.setTimeout(60_000);
    const name = uniqueName("Usage app");
    const key = await createKeyViaApi(request, name, "test");

    // 8 requests: priced OpenAI and Anthropic calls, a streamed one, a model missing from the
    // pricing table, and one the simulator rejects (no messages) as the provider would.
    const statuses = [
      await send(request, key.key, "/v1/openai/chat/completions", chat("gpt-4o-mini", "Hello there, gateway!")),
      await send(request, key.key, "/v1/openai/chat/completions", chat("gpt-4o-mini", "Count to five, please.")),
      await send(request, key.key, "/v1/openai/chat/completions", chat("gpt-4o-mini", "What is an API gateway?")),
      await send(
        request,
        key.key,
        "/v1/openai/chat/completions",
        chat("gpt-4o-mini", "Stream me a haiku.", { stream: true, stream_options: { include_usage: true } }),
      ),
      await send(request, key.key, "/v1/anthropic/v1/messages", chat("claude-haiku-4-5", "Hi Claude!", { max_tokens: 64 })),
      await send(request, key.key, "/v1/anthropic/v1/messages", chat("claude-haiku-4-5", "Summarise this.", { max_tokens: 64 })),
      await send(request, key.key, "/v1/openai/chat/completions", chat("acme-finetune-1", "A model with no price.")),
      await send(request, key.key, "/v1/openai/chat/completions", { model: "gpt-4o-mini" }),
    ];
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 400]);

    const mine = await waitForUsage(request, key.id, 8);
    expect(mine.errors).toBe(1);
    expect(mine.unpriced_requests).toBe(1);
    expect(mine.input_tokens + mine.output_tokens).toBeGreaterThan(0);
    // Live usage is kept apart: none of this is live.
    const liveForKey = await usageTotals(request, `environment=live&key_id=${key.id}`);
    expect(liveForKey.requests).toBe(0);
    const allTest = await usageTotals(request, "environment=test");

    // The overview, test environment.
    await page.goto("/dashboard?env=test");
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    await expect(page.getByRole("group", { name: "Environment" }).getByRole("link", { name: "Test" })).toHaveAttribute(
      "aria-current",
      "true",
    );
    await expect(page.getByRole("group", { name: "Time range" }).getByRole("link", { name: "7d" })).toHaveAttribute("aria-current", "true");
    const summary = page.getByRole("region", { name: "Summary" });
    await expect(summary).toContainText(`Requests${fmt(allTest.requests)}`);
    await expect(summary).toContainText(
      `${fmt(allTest.unpriced_requests)} request${allTest.unpriced_requests === 1 ? "" : "s"} with unknown cost`,
    );

    // The missing price is flagged, never shown as $0.
    const note = page.getByRole("note").filter({ hasText: "Cost unknown" });
    await expect(note).toContainText("openai/acme-finetune-1");

    // Charts: drawn, with bars.
    for (const chart of ["tokens-chart", "cost-chart", "requests-chart"]) {
      const card = page.locator(`[data-chart="${chart}"]`);
      await expect(card.locator("svg.recharts-surface").first()).toBeVisible();
      await expect.poll(() => card.locator(".recharts-bar-rectangle path").count()).toBeGreaterThan(0);
    }
    await expect(page.getByRole("region", { name: /Tokens per day/ })).toContainText(name); // legend names the key

    // Breakdown by model.
    const models = page.getByRole("table", { name: "Usage by model" });
    for (const model of ["gpt-4o-mini", "claude-haiku-4-5", "acme-finetune-1"]) {
      await expect(models.getByRole("row").filter({ hasText: model })).toHaveCount(1);
    }
    await expect(models.getByRole("row").filter({ hasText: "acme-finetune-1" })).toContainText("Unknown");
    await page.screenshot({ path: screenshotPath("usage-dashboard"), fullPage: true });

    // The last 24 hours, per hour (from the raw events rather than the daily rollups).
    await page.getByRole("group", { name: "Time range" }).getByRole("link", { name: "24h" }).click();
    await expect(page).toHaveURL(/range=24h/);
    await expect(page.getByRole("heading", { name: "Tokens per hour" })).toBeVisible();
    await expect(summary).toContainText(`Requests${fmt(allTest.requests)}`);
    await expect.poll(() => page.locator('[data-chart="requests-chart"] .recharts-bar-rectangle path').count()).toBeGreaterThan(0);

    // The key selector narrows everything to one key, in the URL.
    await page.getByLabel("Key", { exact: true }).selectOption({ label: name });
    await expect(page).toHaveURL(new RegExp(`key=${key.id}`));
    await expect(summary).toContainText("Requests8");
    await expect(summary).toContainText("Error rate12.5%");

    // CSV: the same view, per day, key and model.
    const downloadPromise = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download CSV" }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = await readFile(await download.path(), "utf8");
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      "day,key_id,key_name,model,requests,errors,input_tokens,output_tokens,cached_input_tokens,cost_usd,unpriced_requests",
    );
    expect(lines.length).toBe(1 + 3); // one row per model, all today
    expect(lines.slice(1).every((l) => l.includes(key.id))).toBe(true);
    expect(csv).toContain("acme-finetune-1");

    // The keys table: a 7-day column, and the name leads to the key's page.
    await page.goto("/dashboard/keys");
    const row = keyRow(page, name);
    await expect(row).toContainText("8 req");
    await expect(row.locator("[data-sparkline] > span")).toHaveCount(7);
    await page.screenshot({ path: screenshotPath("keys-usage-column"), fullPage: true });
    await row.getByRole("link", { name }).click();
    await expect(page).toHaveURL(new RegExp(`/dashboard/keys/${key.id}$`));
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(page.getByRole("main")).toContainText(`${key.prefix}…`);
    await expect(page.getByRole("main").getByRole("alert")).toHaveCount(0); // 8 requests are no anomaly

    const recent = page.getByRole("table", { name: /Recent requests/ });
    await expect(recent.locator("tbody tr")).toHaveCount(8);
    await expect(recent.locator("tbody tr").first()).toContainText("400"); // newest first: the rejected one
    await expect(recent.getByText("stream", { exact: true })).toHaveCount(1);
    await expect(recent.getByRole("row").filter({ hasText: "claude-haiku-4-5" })).toHaveCount(2);
    for (const chart of ["key-requests-chart", "key-tokens-chart"]) {
      await expect.poll(() => page.locator(`[data-chart="${chart}"] .recharts-bar-rectangle path`).count()).toBeGreaterThan(0);
    }
    await page.screenshot({ path: screenshotPath("key-usage"), fullPage: true });
  });

  test("a burst of failing traffic on a key raises the anomaly notice", async ({ page, request }) => {
    test.setTimeout(60_000);
    const name = uniqueName("Leaky key");
    const key = await createKeyViaApi(request, name, "test");
    // 60 requests in the last hour with no history, 15 of them failing.
    for (let batch = 0; batch < 6; batch++) {
      const sends = Array.from({ length: 10 }, (_, i) =>
        batch * 10 + i < 15
          ? send(request, key.key, "/v1/openai/chat/completions", "{not json")
          : send(request, key.key, "/v1/openai/chat/completions", chat("gpt-4o-mini", `Request ${batch}-${i}`)),
      );
      await Promise.all(sends);
    }
    await waitForUsage(request, key.id, 60);

    await page.goto(`/dashboard/keys/${key.id}`);
    const alert = page.getByRole("main").getByRole("alert");
    await expect(alert).toContainText("Review recent usage for suspicious activity");
    await expect(alert).toContainText("60 requests in the last hour");
    await expect(alert).toContainText("25% of requests failed");
    await page.screenshot({ path: screenshotPath("key-anomaly"), fullPage: false });
  });

  test("empty states say how to make a first request; unknown keys are not found", async ({ page, request }) => {
    const name = uniqueName("Quiet key");
    const key = await createKeyViaApi(request, name, "test");

    // Choosing a test key shows the test environment, and this key has no traffic.
    await page.goto(`/dashboard?key=${key.id}&range=24h`);
    const empty = page.getByRole("region", { name: `No requests with “${name}” in the last 24 hours` });
    await expect(empty).toBeVisible();
    await expect(empty.locator("pre")).toContainText("/v1/openai/chat/completions");
    await expect(empty.locator("pre")).toContainText("Authorization: Bearer ne_test_…");
    await expect(empty.locator("pre")).not.toContainText("X-Provider-API-Key");
    await expect(page.getByLabel("Key", { exact: true })).toHaveValue(key.id);

    await page.goto(`/dashboard/keys/${key.id}`);
    await expect(page.getByRole("heading", { name: "No requests with this key yet" })).toBeVisible();
    await expect(page.locator("pre")).toContainText(`Authorization: Bearer ${key.prefix}…`);

    // The key is checked above the page's loading boundary, so the status is a real 404.
    const missing = await page.goto("/dashboard/keys/key_doesnotexist1");
    expect(missing?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Key not found" })).toBeVisible();
  });

  test("phone width: overview and key page do not scroll sideways", async ({ page, request }) => {
    const key = await createKeyViaApi(request, uniqueName("Phone usage"), "test");
    await send(request, key.key, "/v1/openai/chat/completions", chat("gpt-4o-mini", "Hello from a phone"));
    await waitForUsage(request, key.id, 1);

    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto("/dashboard?env=test");
    await expect(page.locator('[data-chart="tokens-chart"] svg.recharts-surface').first()).toBeVisible();
    await noSidewaysScroll(page);
    await page.screenshot({ path: screenshotPath("usage-dashboard-phone"), fullPage: true });

    await page.goto(`/dashboard/keys/${key.id}`);
    await expect(page.getByRole("table", { name: /Recent requests/ })).toBeVisible();
    await noSidewaysScroll(page);
    await page.screenshot({ path: screenshotPath("key-usage-phone"), fullPage: true });
  });
});
