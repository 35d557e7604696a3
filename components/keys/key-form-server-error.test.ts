import { describe, expect, it } from "vitest";
import { AppError, parseInput } from "@/lib/errors";
import { createKeyInput, updateKeyInput } from "@/lib/keys/inputs";
import { formErrorOf } from "./key-form-server-error";
import { checkName, checkPolicy } from "./policy-form";

// The API's own refusals (its real schemas), as the key forms show them: on the field the
// error names, in the form's words. And the forms' checks agree with the API's bounds.

/** What the API answers a create body with: its 400's param and message. */
function refusal(schema: typeof createKeyInput | typeof updateKeyInput, body: unknown): { param?: string; message: string } {
  try {
    parseInput(schema, body);
  } catch (err) {
    if (err instanceof AppError) return { param: err.param, message: err.message };
  }
  throw new Error("the API accepted it");
}

describe("an API refusal shown on its field", () => {
  it.each([
    [{ name: "  " }, { field: "name", message: "Name can't be empty." }],
    [{ name: "x".repeat(101) }, { field: "name", message: "Name can be at most 100 characters." }],
    [
      { name: "k", limits: { requests_per_minute: 0 } },
      { field: "requests_per_minute", message: "Requests per minute must be a whole number from 1 to 1,000,000." },
    ],
    [
      { name: "k", limits: { requests_per_minute: 1.5 } },
      { field: "requests_per_minute", message: "Requests per minute must be a whole number from 1 to 1,000,000, without decimals." },
    ],
    [
      { name: "k", limits: { tokens_per_minute: 2e9 } },
      { field: "tokens_per_minute", message: "Tokens per minute can be at most 1,000,000,000." },
    ],
    [
      { name: "k", limits: { tokens_per_minute: "1e6" } },
      { field: "tokens_per_minute", message: "Tokens per minute must be a whole number from 1 to 1,000,000,000." },
    ],
    [
      { name: "k", limits: { monthly_budget_usd: 0 } },
      { field: "monthly_budget_usd", message: "Monthly budget must be more than $0: leave it empty for no budget." },
    ],
    [
      { name: "k", limits: { monthly_budget_usd: 0.00001 } },
      { field: "monthly_budget_usd", message: "Monthly budget must be at least $0.0001: spend is counted to 4 decimal places." },
    ],
    [
      { name: "k", limits: { monthly_budget_usd: 2e7 } },
      { field: "monthly_budget_usd", message: "Monthly budget can be at most $10,000,000." },
    ],
    [
      { name: "k", expires_at: "2020-01-01T00:00:00.000Z" },
      { field: "expires_at", message: "Expiry date must be after today." },
    ],
    [
      { name: "k", allowed_providers: ["openai", "nope"] },
      { field: "allowed_providers", message: "Allowed providers: nope isn't available on this gateway." },
    ],
    [
      { name: "k", allowed_models: ["gpt*5"] },
      {
        field: "allowed_models",
        message: "Allowed models must be model names, or prefixes ending in one * like gpt-5*, separated by commas.",
      },
    ],
    [
      { name: "k", allowed_models: ["m".repeat(201)] },
      { field: "allowed_models", message: "Allowed models: each name can be at most 200 characters." },
    ],
    [
      { name: "k", permissions: [] },
      { field: "permissions", message: "Choose at least one permission." },
    ],
    [
      { name: "k", environment: "staging" },
      { field: "environment", message: "Environment must be Live or Test." },
    ],
  ])("%j", (body, shown) => {
    const { param, message } = refusal(createKeyInput, body);
    expect(formErrorOf(param, message)).toEqual(shown);
  });

  it("a NUL in a name is a character that can't be saved", () => {
    expect(formErrorOf("name", "name must not contain NUL (\\u0000) characters or unpaired surrogates (such as \\udfff).")).toEqual({
      field: "name",
      message: "Name contains characters that can't be saved. Remove them and try again.",
    });
  });

  it("an error naming no field goes to the summary as the server said it", () => {
    const nothing = refusal(updateKeyInput, {});
    expect(formErrorOf(nothing.param, nothing.message)).toEqual({ field: null, message: nothing.message });
    expect(formErrorOf(undefined, "Could not reach the NeuronEdge server.")).toEqual({
      field: null,
      message: "Could not reach the NeuronEdge server.",
    });
  });
});

/** A form holding one typed limit and otherwise blank. */
function limitForm(field: string, typed: string): FormData {
  const f = new FormData();
  f.append("permissions", "proxy");
  f.append("expires_in", "never");
  f.append(field, typed);
  return f;
}

describe("the form and the API agree on the bounds", () => {
  const cases: [string, string[]][] = [
    ["requests_per_minute", ["0", "1", "1.5", "999999", "1000000", "1000001", "-1"]],
    ["tokens_per_minute", ["0", "1", "1000000000", "1000000001", "2.5"]],
    ["monthly_budget_usd", ["0", "0.00001", "0.00009", "0.0001", "0.001", "0.01", "10000000", "10000000.01", "-3"]],
  ];
  for (const [field, values] of cases) {
    it.each(values)(`${field} %s: the form refuses exactly what the API refuses`, (typed) => {
      const formOk = Object.keys(checkPolicy(limitForm(field, typed)).errors).length === 0;
      const apiOk = createKeyInput.safeParse({ name: "k", limits: { [field]: Number(typed) } }).success;
      expect(formOk).toBe(apiOk);
    });
  }

  it.each(["", " ", "k", "x".repeat(100), "x".repeat(101), ` ${"x".repeat(100)} `])("the name %j", (typed) => {
    expect(checkName(typed).error === undefined).toBe(createKeyInput.safeParse({ name: typed }).success);
  });
});
