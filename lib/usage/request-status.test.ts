import { describe, expect, it } from "vitest";
import { statusMeaning } from "./request-status";

describe("a recorded status in words", () => {
  it("says the gateway refused the call only when it did; the provider's same status reads as the provider's", () => {
    expect(statusMeaning(402, true)).toEqual({
      label: "Budget reached",
      detail: "The gateway refused the call: this key's monthly budget is spent.",
    });
    expect(statusMeaning(429, true).detail).toMatch(/^The gateway refused the call: .*per-minute limit/);
    expect(statusMeaning(403, true).detail).toMatch(/allow-list/);
    expect(statusMeaning(429, false)).toEqual({ label: "Too many requests", detail: "The provider throttled the call." });
    expect(statusMeaning(402, false).detail).not.toMatch(/gateway/);
  });

  it("names every status, known or not", () => {
    expect(statusMeaning(200, false).label).toBe("OK");
    expect(statusMeaning(502, false).label).toBe("Bad gateway");
    expect(statusMeaning(418, false).label).toBe("Client error");
    expect(statusMeaning(599, false).label).toBe("Server error");
    expect(statusMeaning(204, true).label).toBe("Success");
  });
});
