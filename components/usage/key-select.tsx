import { LinkSelect } from "./link-select";

export interface KeySelectOption {
  id: string;
  name: string;
  revoked: boolean;
}

/** Picks the key the overview shows; the choice lives in the URL (?key=), so it can be shared. */
export function KeySelect({
  options,
  value,
  hrefs,
}: {
  options: KeySelectOption[];
  value: string | null;
  /** Where each choice leads: "" for all keys, else the key id. Computed on the server. */
  hrefs: Record<string, string>;
}) {
  return (
    <LinkSelect
      label="Key"
      allLabel="All keys"
      options={options.map((o) => ({ value: o.id, label: `${o.name}${o.revoked ? " (revoked)" : ""}` }))}
      value={value}
      hrefs={hrefs}
    />
  );
}
