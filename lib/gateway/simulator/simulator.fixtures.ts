// Helpers shared by the simulator's test files: call it as the gateway does, read SSE back.
import { simulate } from "./index";
import type { SimulateInput } from "./index";

type Frame = { event?: string; data: string };

export function parseSse(text: string): Frame[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim())
    .map((block) => {
      const frame: Frame = { data: "" };
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) frame.event = line.slice(7);
        else if (line.startsWith("data: ")) frame.data += line.slice(6);
      }
      return frame;
    });
}

export const sim = (input: Partial<SimulateInput> & Pick<SimulateInput, "format" | "path">) =>
  simulate({ method: "POST", search: "", body: undefined, ...input });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of three wire formats loosely
export type Json = any;
