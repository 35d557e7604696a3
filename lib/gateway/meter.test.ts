import { describe, expect, it } from "vitest";
import { createMeter, usageObjectsIn } from "./meter";

const USAGE = /"usage"[ \t\r]*:[ \t\r]*\{/g;

describe("finding usage objects in the bytes", () => {
  it("finds the key followed by an object, with or without JSON spaces, at its byte offset", () => {
    const text = 'é{"usage":null}{"usage":{"a":1}} {"usage" : \t{"b":2}} "text \\"usage\\":{ inside a string"';
    const buf = Buffer.from(text);
    const at = usageObjectsIn(buf, USAGE, 0, buf.length);
    expect(at.map((i) => buf.toString("utf8", i, i + 7))).toEqual(['"usage"', '"usage"']);
    expect(at[0]).toBe(Buffer.byteLength('é{"usage":null}{'));
    expect(usageObjectsIn(buf, USAGE, at[0] + 1, buf.length)).toEqual([at[1]]);
  });

  it("meters a whole stream that arrives in one piece, usage nulls on every chunk included", () => {
    const chunk = (c: object) => `data: ${JSON.stringify(c)}\n\n`;
    const body =
      Array.from({ length: 200 }, () => chunk({ model: "m", choices: [{ delta: { content: "x" } }], usage: null })).join("") +
      chunk({
        model: "gpt-x",
        choices: [],
        usage: { prompt_tokens: 11, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 3 } },
      }) +
      "data: [DONE]\n\n";
    const meter = createMeter("openai", true, "asked");
    meter.push(Buffer.from(body));
    expect(meter.finish()).toEqual({ model: "gpt-x", inputTokens: 11, outputTokens: 200, cachedInputTokens: 3 });
  });
});
