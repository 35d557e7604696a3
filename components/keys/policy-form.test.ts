import { describe, expect, it } from "vitest";
import { countPolicy, policyFieldOf, readPolicy, tomorrowUtc } from "./policy-form";

// What a key form's policy fields send to the API, read from the values a person typed.

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
    expect(readPolicy(form(BLANK), NOW)).toEqual({
      permissions: ["proxy"],
      limits: { requests_per_minute: null, tokens_per_minute: null, monthly_budget_usd: null },
      allowed_providers: null,
      allowed_models: null,
      expires_at: null,
    });
  });

  it("reads limits typed with thousands separators, spaces, underscores or a dollar sign as numbers", () => {
    const body = readPolicy(
      form({ ...BLANK, requests_per_minute: " 1,000 ", tokens_per_minute: "2_000 000", monthly_budget_usd: "$25.50" }),
      NOW,
    );
    expect(body.limits).toEqual({ requests_per_minute: 1000, tokens_per_minute: 2_000_000, monthly_budget_usd: 25.5 });
  });

  it("sends what is not a number as typed, so the server's message explains it", () => {
    const body = readPolicy(form({ ...BLANK, requests_per_minute: "lots", tokens_per_minute: "1e6", monthly_budget_usd: "-5" }), NOW);
    expect(body.limits).toEqual({ requests_per_minute: "lots", tokens_per_minute: "1e6", monthly_budget_usd: -5 });
  });

  it("lists the checked providers and the models separated by commas or lines, blanks dropped", () => {
    const body = readPolicy(
      form({ ...BLANK, allowed_providers: ["openai", "anthropic"], allowed_models: " gpt-5*, claude-sonnet-5-5\n\n, ,gemini-2.5-flash " }),
      NOW,
    );
    expect(body.allowed_providers).toEqual(["openai", "anthropic"]);
    expect(body.allowed_models).toEqual(["gpt-5*", "claude-sonnet-5-5", "gemini-2.5-flash"]);
    expect(readPolicy(form({ ...BLANK, allowed_models: " , \n " }), NOW).allowed_models).toBeNull();
  });

  it("sends the checked permissions, none checked included", () => {
    expect(readPolicy(form({ ...BLANK, permissions: ["proxy", "usage:read"] }), NOW).permissions).toEqual(["proxy", "usage:read"]);
    const { permissions: _, ...none } = BLANK;
    expect(readPolicy(form(none), NOW).permissions).toEqual([]);
  });

  it("expires in 7, 30 or 90 days from now; on a date at 00:00 UTC; never as null", () => {
    expect(readPolicy(form({ ...BLANK, expires_in: "30" }), NOW).expires_at).toBe("2026-04-09T15:30:00.000Z");
    expect(readPolicy(form({ ...BLANK, expires_in: "custom", expires_on: "2026-06-01" }), NOW).expires_at).toBe("2026-06-01T00:00:00.000Z");
    expect(readPolicy(form({ ...BLANK, expires_in: "never" }), NOW).expires_at).toBeNull();
  });

  it("an empty custom date goes to the server as an empty string, for its message", () => {
    expect(readPolicy(form({ ...BLANK, expires_in: "custom", expires_on: "" }), NOW).expires_at).toBe("");
  });

  it("leaves the expiry out of an edit that keeps it unchanged", () => {
    const body = readPolicy(form({ ...BLANK, expires_in: "keep" }), NOW);
    expect(body).not.toHaveProperty("expires_at");
  });

  it("the earliest custom expiry is tomorrow in UTC", () => {
    expect(tomorrowUtc(NOW)).toBe("2026-03-11");
    expect(tomorrowUtc(Date.parse("2026-12-31T23:59:00Z"))).toBe("2027-01-01");
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
