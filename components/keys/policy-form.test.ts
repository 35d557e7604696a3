import { describe, expect, it } from "vitest";
import { NAME_EMPTY } from "./key-form-messages";
import { checkName, checkPolicy, countPolicy, type FieldErrors, firstField, policyFieldOf, tomorrowUtc } from "./policy-form";

// What a key form sends to the API, read from the values a person typed, and what it says about
// the values it cannot send.

const NOW = Date.parse("2026-03-10T15:30:00Z");

/** A form as the browser submits it: repeated names (checkboxes) are repeated entries. */
function form(fields: Record<string, string | string[]>): FormData {
  const f = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) f.append(name, v);
  return f;
}

/** A blank create form: proxy checked, expiry "never", everything else empty. */
const BLANK = {
  requests_per_minute: "",
  tokens_per_minute: "",
  monthly_budget_usd: "",
  allowed_models: "",
  expires_in: "never",
  permissions: "proxy",
};

describe("reading the policy fields into a request body", () => {
  it("a blank form: no limits, every provider and model, no expiry, the proxy permission", () => {
    expect(checkPolicy(form(BLANK), NOW)).toEqual({
      body: {
        permissions: ["proxy"],
        limits: { requests_per_minute: null, tokens_per_minute: null, monthly_budget_usd: null },
        allowed_providers: null,
        allowed_models: null,
        expires_at: null,
      },
      errors: {},
      understood: {},
    });
  });

  it("reads limits typed with separators, spaces, exponents or a dollar sign as numbers", () => {
    const { body, errors, understood } = checkPolicy(
      form({ ...BLANK, requests_per_minute: " 1,000 ", tokens_per_minute: "1e6", monthly_budget_usd: "$25.50" }),
      NOW,
    );
    expect(errors).toEqual({});
    expect(body.limits).toEqual({ requests_per_minute: 1000, tokens_per_minute: 1_000_000, monthly_budget_usd: 25.5 });
    // Only the exponent is worth a note: "1,000" and "$25.50" read as typed.
    expect(understood).toEqual({ tokens_per_minute: "1e6 → 1,000,000 tokens per minute" });
  });

  it("notes what an unusual value was read as", () => {
    const { understood } = checkPolicy(form({ ...BLANK, requests_per_minute: "1e6", monthly_budget_usd: "2.5e1" }), NOW);
    expect(understood).toEqual({
      requests_per_minute: "1e6 → 1,000,000 requests per minute",
      monthly_budget_usd: "2.5e1 → $25.00 a month",
    });
  });

  it("lists the checked providers and the models separated by commas or lines, blanks dropped", () => {
    const { body } = checkPolicy(
      form({ ...BLANK, allowed_providers: ["openai", "anthropic"], allowed_models: " gpt-5*, claude-sonnet-5-5\n\n, ,gemini-2.5-flash " }),
      NOW,
    );
    expect(body.allowed_providers).toEqual(["openai", "anthropic"]);
    expect(body.allowed_models).toEqual(["gpt-5*", "claude-sonnet-5-5", "gemini-2.5-flash"]);
    expect(checkPolicy(form({ ...BLANK, allowed_models: " , \n " }), NOW).body.allowed_models).toBeNull();
  });

  it("sends the checked permissions", () => {
    expect(checkPolicy(form({ ...BLANK, permissions: ["proxy", "usage:read"] }), NOW).body.permissions).toEqual(["proxy", "usage:read"]);
  });

  it("expires in 7, 30 or 90 days from now; on a date at 00:00 UTC; never as null", () => {
    expect(checkPolicy(form({ ...BLANK, expires_in: "30" }), NOW).body.expires_at).toBe("2026-04-09T15:30:00.000Z");
    expect(checkPolicy(form({ ...BLANK, expires_in: "custom", expires_on: "2026-06-01" }), NOW).body.expires_at).toBe(
      "2026-06-01T00:00:00.000Z",
    );
    expect(checkPolicy(form({ ...BLANK, expires_in: "never" }), NOW).body.expires_at).toBeNull();
  });

  it("leaves the expiry out of an edit that keeps it unchanged", () => {
    expect(checkPolicy(form({ ...BLANK, expires_in: "keep" }), NOW).body).not.toHaveProperty("expires_at");
  });

  it("the earliest custom expiry is tomorrow in UTC", () => {
    expect(tomorrowUtc(NOW)).toBe("2026-03-11");
    expect(tomorrowUtc(Date.parse("2026-12-31T23:59:00Z"))).toBe("2027-01-01");
  });
});

describe("what the form says about a value it cannot use", () => {
  const manyModels = Array.from({ length: 201 }, (_, i) => `m${i}`).join(",");
  it.each<[string, Record<string, string | string[]>, FieldErrors]>([
    [
      "a fraction",
      { requests_per_minute: "1.5" },
      { requests_per_minute: "Requests per minute must be a whole number from 1 to 1,000,000, without decimals." },
    ],
    ["text", { requests_per_minute: "lots" }, { requests_per_minute: "Requests per minute must be a whole number from 1 to 1,000,000." }],
    [
      "zero",
      { requests_per_minute: "0" },
      { requests_per_minute: "Requests per minute can't be 0: use a whole number from 1 to 1,000,000, or leave it empty for no limit." },
    ],
    [
      "a negative",
      { tokens_per_minute: "-5" },
      {
        tokens_per_minute:
          "Tokens per minute can't be negative: use a whole number from 1 to 1,000,000,000, or leave it empty for no limit.",
      },
    ],
    ["over the maximum", { requests_per_minute: "1,000,001" }, { requests_per_minute: "Requests per minute can be at most 1,000,000." }],
    ["tokens over the maximum", { tokens_per_minute: "2e9" }, { tokens_per_minute: "Tokens per minute can be at most 1,000,000,000." }],
    [
      "a budget in words",
      { monthly_budget_usd: "twenty" },
      { monthly_budget_usd: "Monthly budget must be an amount in dollars, like 25 or 12.50." },
    ],
    [
      "a decimal comma",
      { monthly_budget_usd: "12,50" },
      { monthly_budget_usd: "Monthly budget must be an amount in dollars, like 25 or 12.50." },
    ],
    [
      "a zero budget",
      { monthly_budget_usd: "$0" },
      { monthly_budget_usd: "Monthly budget must be more than $0: leave it empty for no budget." },
    ],
    ["a huge budget", { monthly_budget_usd: "$20,000,000" }, { monthly_budget_usd: "Monthly budget can be at most $10,000,000." }],
    ["no expiry date", { expires_in: "custom", expires_on: "" }, { expires_at: "Choose an expiry date." }],
    ["an expiry of today", { expires_in: "custom", expires_on: "2026-03-10" }, { expires_at: "Expiry date must be after today." }],
    ["an expiry in the past", { expires_in: "custom", expires_on: "2020-01-01" }, { expires_at: "Expiry date must be after today." }],
    [
      "an expiry that is not a date",
      { expires_in: "custom", expires_on: "soon" },
      { expires_at: "Expiry date must be a date, like 2027-01-31." },
    ],
    [
      "a model with a * inside",
      { allowed_models: "gpt-5, gpt*5" },
      { allowed_models: "Allowed models: “gpt*5” isn't a model name or a prefix ending in one *, like gpt-5*." },
    ],
    [
      "a very long model name",
      { allowed_models: "m".repeat(201) },
      { allowed_models: "Allowed models: each name can be at most 200 characters." },
    ],
    ["too many models", { allowed_models: manyModels }, { allowed_models: "Allowed models can list at most 200 models." }],
    ["no permission", { permissions: [] }, { permissions: "Choose at least one permission." }],
  ])("%s", (_, fields, errors) => {
    expect(checkPolicy(form({ ...BLANK, ...fields }), NOW).errors).toEqual(errors);
  });

  it("reports every field at fault at once, in the order the form shows them", () => {
    const { errors } = checkPolicy(
      form({ ...BLANK, requests_per_minute: "0", monthly_budget_usd: "abc", expires_in: "custom", expires_on: "", permissions: [] }),
      NOW,
    );
    expect(Object.keys(errors)).toEqual(["requests_per_minute", "monthly_budget_usd", "expires_at", "permissions"]);
    expect(firstField({ ...errors, name: NAME_EMPTY })).toBe("name");
    expect(firstField(errors)).toBe("requests_per_minute");
    expect(firstField({})).toBeNull();
  });
});

describe("the name", () => {
  it.each([
    ["", NAME_EMPTY],
    ["   ", NAME_EMPTY],
    ["x".repeat(101), "Name can be at most 100 characters."],
  ])("%j is refused", (typed, error) => {
    expect(checkName(typed).error).toBe(error);
  });

  it("is sent trimmed, up to 100 characters", () => {
    expect(checkName("  Production backend ")).toEqual({ name: "Production backend" });
    expect(checkName(` ${"x".repeat(100)} `)).toEqual({ name: "x".repeat(100) });
  });
});

describe("the closed policy section's count", () => {
  it("counts nothing on a blank form", () => {
    expect(countPolicy(form(BLANK))).toBe(0);
  });

  it("counts each field set beyond the defaults once", () => {
    const all = {
      requests_per_minute: "60",
      tokens_per_minute: "1000",
      monthly_budget_usd: "5",
      allowed_providers: ["openai", "google"],
      allowed_models: "gpt-5*",
      expires_in: "7",
      permissions: ["proxy", "usage:read"],
    };
    expect(countPolicy(form(all))).toBe(7);
    expect(countPolicy(form({ ...BLANK, requests_per_minute: "  " }))).toBe(0);
    expect(countPolicy(form({ ...BLANK, permissions: "usage:read" }))).toBe(1);
  });
});

describe("which field a server error names", () => {
  it("maps the API's param onto the form's fields", () => {
    expect(policyFieldOf("limits.tokens_per_minute")).toBe("tokens_per_minute");
    expect(policyFieldOf("limits.monthly_budget_usd")).toBe("monthly_budget_usd");
    // A limits error without a known field shows at the first limit.
    expect(policyFieldOf("limits")).toBe("requests_per_minute");
    expect(policyFieldOf("allowed_models.2")).toBe("allowed_models");
    expect(policyFieldOf("expires_at")).toBe("expires_at");
    expect(policyFieldOf("permissions.0")).toBe("permissions");
    expect(policyFieldOf("name")).toBeNull();
    expect(policyFieldOf(undefined)).toBeNull();
  });
});
