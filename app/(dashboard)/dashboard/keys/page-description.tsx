// Shared by the page and its loading skeleton, so both render the same header height.
export function KeysPageDescription() {
  return (
    <>
      Gateway keys say who is calling. Apps send one as{" "}
      <code className="font-mono text-[13px] text-zinc-800">Authorization: Bearer ne_live_…</code> next to their own provider key, and usage
      and limits are tracked per key.
    </>
  );
}
