import { describe, expect, it } from "vitest";
import { usageChunkFilter } from "./include-usage";

// What the client sees when the gateway asked for usage on its behalf: the provider's stream
// exactly as it would be without the option, that is without the usage-only chunk and without
// the `"usage":null` on every other chunk, however the bytes were split on the way.

type Chunk = Record<string, unknown>;
const chunk = (c: Chunk) => `data: ${JSON.stringify(c)}`;
/** The same chunk as the provider sends it with include_usage (OpenAI puts usage last). */
const asked = (c: Chunk) => chunk({ ...c, usage: null });
const delta = (content: string): Chunk => ({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content } }] });
const usageOnly = `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } })}`;

function stream(nl: string, events: string[]): string {
  return events.map((e) => e + nl + nl).join("");
}

function passThrough(pieces: Buffer[]): string {
  const filter = usageChunkFilter();
  const out = [...pieces.map((p) => filter.push(p)), filter.end()];
  return Buffer.concat(out.filter((b) => b !== null)).toString("utf8");
}

// A delta whose text talks about usage: inside a JSON string the quotes are escaped, so it stays.
const tricky = delta('the "usage":{"prompt_tokens":1} field, choices:[], ,"usage":null}');

describe.each([
  ["LF", "\n"],
  ["CRLF", "\r\n"],
])("usageChunkFilter (%s boundaries)", (_, nl) => {
  const chunks = [delta("Hel"), tricky, delta("lo"), { id: "c", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }];
  const input = stream(nl, [...chunks.map(asked), usageOnly, "data: [DONE]"]);
  const expected = stream(nl, [...chunks.map(chunk), "data: [DONE]"]);

  it("removes only the usage-only chunk from a stream that arrives in one piece", async () => {
    expect(passThrough([Buffer.from(input)])).toBe(expected);
  });

  it("gives the same bytes whatever the split, down to one byte at a time", async () => {
    const bytes = Buffer.from(input);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      expect(passThrough([bytes.subarray(0, cut), bytes.subarray(cut)])).toBe(expected);
    }
    expect(passThrough([...bytes].map((b) => Buffer.from([b])))).toBe(expected);
  });

  it("leaves a stream without usage members untouched", async () => {
    const plain = stream(nl, [...chunks.map(chunk), "data: [DONE]"]);
    expect(passThrough([Buffer.from(plain)])).toBe(plain);
  });

  it("keeps a usage that is not null, and spaced-out members go too", async () => {
    // As Python's json.dumps writes it.
    const spaced = ['data: {"id": "c", "choices": [{"delta": {}}], "usage": null}', 'data: {"id": "c", "usage": null , "n": 1}'];
    const counted = chunk({ ...delta("x"), usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
    const out = ['data: {"id": "c", "choices": [{"delta": {}}]}', 'data: {"id": "c" , "n": 1}'];
    expect(passThrough([Buffer.from(stream(nl, [...spaced, counted]))])).toBe(stream(nl, [...out, counted]));
  });

  it("removes a null usage that comes first in its object, as some OpenAI-compatible servers write it", async () => {
    const first = [
      'data: {"usage":null,"id":"c","choices":[{"delta":{"content":"a"}}]}',
      'data: {"usage": null, "id": "c"}',
      'data: {"usage":null}',
    ];
    const out = ['data: {"id":"c","choices":[{"delta":{"content":"a"}}]}', 'data: {"id": "c"}', "data: {}"];
    // One server writes one form; each event arrives on its own here.
    const pieces = [...first, usageOnly, "data: [DONE]"].map((e) => Buffer.from(stream(nl, [e])));
    expect(passThrough(pieces)).toBe(stream(nl, [...out, "data: [DONE]"]));
  });
});
