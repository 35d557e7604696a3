import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";

// Building blocks of the overview page, shared with its loading skeleton so both have the same size.

export function StatCard({ label, value, detail }: { label: string; value: ReactNode; detail: ReactNode }) {
  return (
    <Card className="px-5 py-4">
      <p className="text-sm font-medium text-zinc-500">{label}</p>
      <div className="mt-2 flex h-9 items-center text-3xl font-semibold tracking-tight text-zinc-900">{value}</div>
      <div className="mt-2 flex h-5 items-center text-sm text-zinc-500">{detail}</div>
    </Card>
  );
}

export const OVERVIEW_DESCRIPTION = "Your gateway at a glance: keys, and how to send requests through it.";

export const QUICKSTART_TITLE = "Send a request through the gateway";

export function QuickstartIntro() {
  return (
    <>
      Call the gateway as you would call the provider, with two keys: your NeuronEdge key in{" "}
      <code className="font-mono text-[13px] text-zinc-800">Authorization</code> says who is calling, and your own
      provider key in <code className="font-mono text-[13px] text-zinc-800">X-Provider-API-Key</code> pays the provider.
      The gateway forwards the call unchanged and never stores the provider key.
    </>
  );
}

export function curlExample(origin: string): string {
  return [
    `curl ${origin}/v1/openai/chat/completions \\`,
    `  -H "Authorization: Bearer ne_live_…" \\`,
    `  -H "X-Provider-API-Key: sk-…" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello!"}]}'`,
  ].join("\n");
}
