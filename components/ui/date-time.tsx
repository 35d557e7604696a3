// Dates are formatted by hand in UTC with English month names: the same text on the
// server, in the browser and in tests, whatever the machine's locale or time zone.

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const pad = (n: number) => String(n).padStart(2, "0");

/** "Nov 23, 2025" or, with time, "Nov 23, 2025, 09:08 UTC". */
export function formatDate(iso: string, { withTime = false }: { withTime?: boolean } = {}): string {
  const d = new Date(iso);
  const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
  return withTime ? `${day}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC` : day;
}

/** "2025-11-23 09:08:14 UTC": the precise moment, for tooltips. */
export function formatTimestamp(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
}

export function DateTime({ iso, withTime = false }: { iso: string; withTime?: boolean }) {
  return (
    <time dateTime={iso} title={formatTimestamp(iso)}>
      {formatDate(iso, { withTime })}
    </time>
  );
}
