import { describe, expect, it } from "vitest";
import { errorBody } from "@/lib/gateway/simulator/respond";
import { providerErrorBody } from "@/lib/gateway/errors";
import { AppError } from "@/lib/errors";
import { FORMATS, KEY_HEADERS } from ".";

// The wire formats in one place: the gateway's refusals and the simulator's answers now come from
// the same tables, which used to disagree (402 billing_error in one, 529 overloaded_error in the other).

describe("wire formats", () => {
  it("Anthropic's 402 and 529 are typed alike by the gateway and the simulator", () => {
    const gateway = providerErrorBody("anthropic", new AppError("payment_required", "Budget reached."));
    expect(gateway).toEqual({ type: "error", error: { type: "billing_error", message: "Budget reached." } });
    expect(errorBody("anthropic", 402, "x")).toEqual({ type: "error", error: { type: "billing_error", message: "x" } });
    expect(errorBody("anthropic", 529, "busy")).toEqual({ type: "error", error: { type: "overloaded_error", message: "busy" } });
  });

  it("Gemini names a status for every error the gateway gives, never a bare code", () => {
    for (const code of [
      "bad_request",
      "unauthorized",
      "forbidden",
      "not_found",
      "payload_too_large",
      "rate_limited",
      "unavailable",
    ] as const) {
      const e = new AppError(code, "m");
      const body = providerErrorBody("gemini", e) as { error: { code: number; status: string } };
      expect(body.error.code).toBe(e.status);
      expect(body.error.status).toMatch(/^[A-Z_]+$/);
    }
  });

  it("an SDK's own key header may carry the gateway key: Anthropic's and Gemini's", () => {
    expect([...KEY_HEADERS].sort()).toEqual(["x-api-key", "x-goog-api-key"]);
  });

  it("the output cap the rate limiter reserves is read where each format puts it", () => {
    expect(FORMATS.openai.outputCaps({ max_completion_tokens: 50, max_tokens: 10 })[0]).toBe(50);
    expect(FORMATS.anthropic.outputCaps({ max_tokens: 64 })).toEqual([64]);
    expect(FORMATS.gemini.outputCaps({ generationConfig: { maxOutputTokens: 99 } })).toEqual([99]);
    expect(FORMATS.gemini.endpoint("/v1beta/models/gemini-3-pro:generateContent")).toBe("/v1beta/models/{model}:generateContent");
  });
});
