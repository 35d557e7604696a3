// Shared by the page and its loading skeleton, so both render the same header height.
export function KeysPageDescription() {
  return (
    <>
      Gateway keys say who is calling. Apps send a live key as{" "}
      <code className="font-mono text-[13px] text-zinc-800">Authorization: Bearer ne_live_…</code> next to their own provider key; a test
      key (<code className="font-mono text-[13px] text-zinc-800">ne_test_…</code>) needs none, as a built-in simulator answers it. Usage and
      limits are tracked per key.
    </>
  );
}
