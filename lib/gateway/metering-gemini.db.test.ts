import { describe, expect, it } from "vitest";
import { complete } from "@/lib/gateway/simulator";
import { useDatabase } from "@/testing/db";
import type { Door } from "@/testing/gateway-harness";
import { PROVIDER_KEYS } from "@/testing/sdk-clients";
import { expectedCost, onlyEvent, question, sdkClients, useMeteringGateway } from "./metering.fixtures";

// Metering Gemini: usageMetadata of a generateContent answer, and the last chunk's running
// totals of a stream, as SSE or as one JSON array.

useDatabase();

const gw = useMeteringGateway();
const { gemini } = sdkClients(gw);
const GOOGLE_KEY = PROVIDER_KEYS.google;

describe.each<Door>(["node", "web"])("usage metering through the %s door", (door) => {
  describe("Gemini", () => {
    it("generateContent records usageMetadata's prompt and candidates token counts", async () => {
      const { id, key } = await gw.liveKey();
      const res = await gemini(door, key).models.generateContent({ model: "gemini-2.5-flash", contents: question });
      const meta = res.usageMetadata!;
      expect(meta.candidatesTokenCount).toBe(complete(question).tokens);
      const e = await onlyEvent(id);
      expect(e).toMatchObject({
        provider: "google",
        model: "gemini-2.5-flash",
        endpoint: "/v1beta/models/{model}:generateContent",
        inputTokens: meta.promptTokenCount,
        outputTokens: meta.candidatesTokenCount,
        streamed: false,
      });
      expect(e.costUsd).toBeCloseTo(
        expectedCost("google", "gemini-2.5-flash", { input: meta.promptTokenCount!, output: meta.candidatesTokenCount! }),
        9,
      );
    });

    it("streamGenerateContent records the last chunk's running totals, not a sum over chunks", async () => {
      const { id, key } = await gw.liveKey();
      const metas = [];
      for await (const chunk of await gemini(door, key).models.generateContentStream({
        model: "gemini-2.5-flash",
        contents: question,
      })) {
        metas.push(chunk.usageMetadata!);
      }
      expect(metas.length).toBeGreaterThan(1);
      const last = metas.at(-1)!;
      expect(last.candidatesTokenCount).toBe(complete(question).tokens);
      expect(metas[0].candidatesTokenCount).toBeLessThan(last.candidatesTokenCount!);

      const e = await onlyEvent(id);
      expect(e).toMatchObject({
        endpoint: "/v1beta/models/{model}:streamGenerateContent",
        inputTokens: last.promptTokenCount,
        outputTokens: last.candidatesTokenCount,
        streamed: true,
        aborted: false,
      });
    });

    it("streamGenerateContent without alt=sse (one JSON array) records the last element's usage", async () => {
      // Without ?alt=sse Gemini streams one JSON array of chunks as application/json
      // (curl users; the SDK always asks for SSE): the last element carries the totals.
      const { id, key } = await gw.liveKey();
      const res = await fetch(`${gw.urls[door]}/v1/google/v1beta/models/gemini-2.5-flash:streamGenerateContent`, {
        method: "POST",
        headers: { "x-goog-api-key": key, "x-provider-api-key": GOOGLE_KEY, "content-type": "application/json" },
        body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: question }] }] }),
      });
      expect(res.status).toBe(200);
      const chunks = (await res.json()) as Array<{ usageMetadata: { promptTokenCount: number; candidatesTokenCount: number } }>;
      expect(chunks.length).toBeGreaterThan(1);
      const last = chunks.at(-1)!.usageMetadata;
      expect(last.candidatesTokenCount).toBe(complete(question).tokens);

      const e = await onlyEvent(id);
      expect(e).toMatchObject({ inputTokens: last.promptTokenCount, outputTokens: last.candidatesTokenCount });
    });
  });
});
