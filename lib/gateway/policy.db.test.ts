import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { updateOwnerKey } from "@/lib/keys/service";
import { clearBudgetSnapshots } from "@/lib/limits/budget";
import { WINDOW_MS } from "@/lib/limits/limiter";
import { flushUsage } from "@/lib/usage/recorder";
import { useDatabase } from "@/testing/db";
import { startGateway, type Gateway } from "@/testing/gateway-harness";
import { anthropicClient, openaiClient, PROVIDER_KEYS } from "@/testing/sdk-clients";

// The gateway enforcing each key's policy: refusals come before anything goes upstream,
// in the provider's own error shape, with OpenAI's rate-limit headers.

useDatabase();

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(async () => {
  gw.mock.reset();
  clearBudgetSnapshots();
  // Rate limits count in fixed minute windows (lib/limits/limiter.ts): a test that straddled a
  // window's end would see its counts start over halfway. Start clear of the edge.
  const left = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (left < 3_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
});

const chat = (model = "gpt-5-mini", extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: "user" as const, content: "Is this allowed?" }],
  ...extra,
});

async function limitedKey(policy: Parameters<typeof updateOwnerKey>[2]) {
  const k = await gw.liveKey();
  await updateOwnerKey(k.caller, k.id, policy);
  return k;
}

function post(key: string, body: unknown, path = "/v1/openai/chat/completions") {
  return fetch(`${gw.urls.node}${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${key}`,
      "x-provider-api-key": PROVIDER_KEYS.openai,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
}

describe("allow-lists", () => {
  it("a provider outside the key's list → 403 before anything goes upstream, as the SDK's error class", async () => {
    const { key } = await limitedKey({ allowed_providers: ["anthropic"] });
    const err = await openaiClient(gw.urls.node, key)
      .chat.completions.create(chat())
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err.message).toContain("may not call 'openai'");
    expect(gw.mock.requests).toHaveLength(0);
    const msg = await anthropicClient(gw.urls.node, key).messages.create({
      model: "claude-sonnet-5-5",
      max_tokens: 32,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  it("models: exact names and prefixes pass, others → 403; listing models still works", async () => {
    const { key } = await limitedKey({ allowed_models: ["gpt-5-mini", "gpt-4.1*"] });
    const client = openaiClient(gw.urls.node, key);
    await expect(client.chat.completions.create(chat("gpt-5-mini"))).resolves.toBeTruthy();
    await expect(client.chat.completions.create(chat("gpt-4.1-nano"))).resolves.toBeTruthy();
    const err = await client.chat.completions.create(chat("gpt-5.2")).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err.message).toContain("may not use model 'gpt-5.2'");
    expect(gw.mock.requests.map((r) => JSON.parse(r.body).model)).toEqual(["gpt-5-mini", "gpt-4.1-nano"]);
    const models = await fetch(`${gw.urls.node}/v1/openai/models`, {
      headers: { authorization: `Bearer ${key}`, "x-provider-api-key": PROVIDER_KEYS.openai },
    });
    expect(models.status).toBe(200);
  });
});

describe("rate limits", () => {
  it("20 simultaneous requests against 6 per minute: exactly 6 through, 14 refused with Retry-After", async () => {
    const { key } = await limitedKey({ limits: { requests_per_minute: 6 } });
    const responses = await Promise.all(Array.from({ length: 20 }, () => post(key, chat())));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(14);
    expect(gw.mock.requests).toHaveLength(6);
    const refused = responses.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("x-ratelimit-limit-requests")).toBe("6");
    expect(refused.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(refused.headers.get("x-ratelimit-reset-requests")).toMatch(/^(\d+m)?\d+(\.\d+)?m?s$/);
    expect(((await refused.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error");
    const remaining = responses
      .filter((r) => r.status === 200)
      .map((r) => Number(r.headers.get("x-ratelimit-remaining-requests")))
      .sort();
    expect(remaining).toEqual([0, 1, 2, 3, 4, 5]); // every response carries the headers
  });

  it("the SDKs see a 429 as their RateLimitError", async () => {
    const { key } = await limitedKey({ limits: { requests_per_minute: 1 } });
    const client = anthropicClient(gw.urls.node, key);
    const ask = () => client.messages.create({ model: "claude-sonnet-5-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] });
    await ask();
    await expect(ask()).rejects.toBeInstanceOf(Anthropic.RateLimitError);
  });

  it("tokens per minute: reserves an estimate, charges what was used, refuses a request bigger than the limit", async () => {
    const { key } = await limitedKey({ limits: { tokens_per_minute: 2_000 } });
    const first = await post(key, chat("gpt-5-mini", { max_tokens: 50 }));
    expect(first.status).toBe(200);
    const used = ((await first.json()) as { usage: { total_tokens: number } }).usage.total_tokens;
    expect(first.headers.get("x-ratelimit-limit-tokens")).toBe("2000");
    // The response was sent with only the estimate reserved; the next one sees the real count.
    const second = await post(key, chat("gpt-5-mini", { max_tokens: 50 }));
    const estimate = 2_000 - Number(second.headers.get("x-ratelimit-remaining-tokens")) - used;
    expect(estimate).toBeGreaterThan(50); // the second request's own reservation: prompt + max_tokens
    expect(estimate).toBeLessThan(200);
    await second.arrayBuffer();

    const huge = await post(key, chat("gpt-5-mini", { max_tokens: 5_000 }));
    expect(huge.status).toBe(429);
    expect(((await huge.json()) as { error: { message: string } }).error.message).toContain("exceed this key's limit");
    expect(huge.headers.get("retry-after")).toBeNull(); // waiting would not help
  });

  it("a key without limits passes the provider's own rate-limit headers through; a limited key's replace them", async () => {
    const { key } = await gw.liveKey();
    const res = await post(key, chat());
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-limit-tokens")).toBe("2000000"); // the mock provider's
    const limited = await limitedKey({ limits: { requests_per_minute: 3 } });
    const mine = await post(limited.key, chat());
    expect(mine.headers.get("x-ratelimit-limit-requests")).toBe("3");
    expect(mine.headers.get("x-ratelimit-remaining-requests")).toBe("2");
  });
});

describe("monthly budget", () => {
  it("refuses with 402 once this month's spend reaches the budget, until it is raised", async () => {
    const k = await limitedKey({ limits: { monthly_budget_usd: 0.0001 } });
    const first = await post(k.key, chat("gpt-5.2", { max_tokens: 200 }));
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    await flushUsage();
    const refused = await post(k.key, chat("gpt-5.2"));
    expect(refused.status).toBe(402);
    const body = (await refused.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(
      /reached its monthly budget of \$0\.00 \(spent \$0\.\d\d this month, UTC\)\. It resets on \d{4}-\d\d-01/,
    );
    expect(gw.mock.requests).toHaveLength(1);

    await updateOwnerKey(k.caller, k.id, { limits: { monthly_budget_usd: 100 } });
    expect((await post(k.key, chat("gpt-5.2"))).status).toBe(200);
  });

  it("counts this instance's spend before it is written to the database", async () => {
    const k = await limitedKey({ limits: { monthly_budget_usd: 0.0001 } });
    await (await post(k.key, chat("gpt-5.2", { max_tokens: 200 }))).arrayBuffer(); // cached snapshot: $0 spent
    await new Promise((r) => setTimeout(r, 20)); // the event is recorded as the body ends
    expect((await post(k.key, chat("gpt-5.2"))).status).toBe(402); // no flush in between
  });
});

describe("expiry", () => {
  it("an expired key → 401 that says it expired", async () => {
    const k = await limitedKey({ expires_at: new Date(Date.now() + 300).toISOString() });
    expect((await post(k.key, chat())).status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    const res = await post(k.key, chat());
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("expired");
  });
});
