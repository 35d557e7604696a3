import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { updateKeyInput } from "@/lib/keys/inputs";
import { MAX_BODY_DEPTH, nestingDepth, readJson, rejectNul } from "./body";

// Bodies that used to answer 500 on the management API (2026-12-02): each must be a 400.

const post = (body: string) => new Request("http://localhost:3000/api/keys", { method: "POST", body });

async function refusal(body: string): Promise<AppError> {
  const err = await readJson(post(body), updateKeyInput).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe("management bodies", () => {
  it("a body nested 5,000 levels deep (10 KB) is refused before anything walks it", async () => {
    for (const body of [`{"name":${"[".repeat(5_000)}${"]".repeat(5_000)}}`, `${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}`]) {
      const err = await refusal(body);
      expect(err.status).toBe(400);
      expect(err.message).toBe("Request body is nested too deeply.");
    }
  });

  it("nesting up to the bound is still read (and then judged by the schema)", async () => {
    const atBound = `{"name":"ok","x":${"[".repeat(MAX_BODY_DEPTH - 1)}${"]".repeat(MAX_BODY_DEPTH - 1)}}`;
    await expect(readJson(post(atBound), updateKeyInput)).resolves.toMatchObject({ name: "ok" });
    expect((await refusal(`{"x":${"[".repeat(MAX_BODY_DEPTH)}${"]".repeat(MAX_BODY_DEPTH)}}`)).message).toBe(
      "Request body is nested too deeply.",
    );
  });

  it("a lone surrogate (which Postgres cannot store) in a value or a name: 400 naming the field, not 500", async () => {
    const value = await refusal('{"name":"\\u0301\\udfff"}');
    expect([value.status, value.param]).toEqual([400, "name"]);
    expect(value.message).toMatch(/unpaired surrogates/);
    expect((await refusal('{"allowed_models":["ok","\\ud800x"]}')).param).toBe("allowed_models.1");
    // A pair is one character, and fine.
    await expect(readJson(post('{"name":"\\ud83d\\ude00"}'), updateKeyInput)).resolves.toMatchObject({ name: "😀" });
  });

  it("brackets inside strings, escaped quotes included, are not nesting", () => {
    expect(nestingDepth(`{"name":"${"[{".repeat(1_000)}\\"[["}`)).toBe(1);
    expect(nestingDepth(`["\\\\", [1]]`)).toBe(2);
  });

  it("a deep value handed to rejectNul directly does not overflow the stack", () => {
    let value: unknown = "bad\0";
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(() => rejectNul({ v: value })).toThrow(/must not contain NUL/);
  });

  it("PATCH {limits: {}} names nothing to change: 400, not an empty update", async () => {
    const err = await refusal(`{"limits":{}}`);
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/^Nothing to change/);
    await expect(readJson(post(`{"limits":{},"name":"n"}`), updateKeyInput)).resolves.toMatchObject({ name: "n" });
    await expect(readJson(post(`{"limits":{"requests_per_minute":null}}`), updateKeyInput)).resolves.toEqual({
      limits: { requests_per_minute: null },
    });
  });
});
