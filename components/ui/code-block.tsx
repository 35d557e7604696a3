import { CopyButton } from "./copy-button";

/** A read-only snippet with a copy button, e.g. a curl command. */
export function CodeBlock({ code, label }: { code: string; label: string }) {
  return (
    <div className="relative rounded-lg border border-zinc-800 bg-zinc-950">
      <div className="flex items-center justify-between gap-2 border-b border-zinc-800 px-4 py-2">
        <span className="text-xs font-medium text-zinc-400">{label}</span>
        <CopyButton value={code} aria-label={`Copy ${label}`} variant="ghost-inverse" />
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <pre tabIndex={0} className="overflow-x-auto p-4 text-[13px] leading-relaxed text-zinc-100 focus:outline-2 focus:outline-zinc-400">
        <code className="font-mono">{code}</code>
      </pre>
    </div>
  );
}
