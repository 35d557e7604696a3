import { buttonClasses } from "@/components/ui/button";
import type { OverviewData } from "@/lib/usage/dashboard";
import { DASHBOARD_RANGES, dashboardHref, RANGE_LABELS } from "@/lib/usage/dashboard-url";
import { KeySelect } from "./key-select";
import { SegmentedLinks } from "./segmented-links";

const capitalize = (s: string) => s[0].toUpperCase() + s.slice(1);

/** Range, environment and key: all in the URL, so every view can be bookmarked and shared. */
export function UsageFilters({ data }: { data: OverviewData }) {
  const p = data.params;
  const keyHrefs: Record<string, string> = { "": dashboardHref({ ...p, keyId: null }) };
  for (const k of data.keyOptions) keyHrefs[k.id] = dashboardHref({ ...p, keyId: k.id });

  return (
    <div className="flex flex-wrap items-end gap-x-4 gap-y-3">
      <SegmentedLinks
        label="Time range"
        items={DASHBOARD_RANGES.map((r) => ({
          href: dashboardHref({ ...p, range: r }),
          label: RANGE_LABELS[r].short,
          title: capitalize(RANGE_LABELS[r].long),
          current: r === p.range,
        }))}
      />
      <SegmentedLinks
        label="Environment"
        items={(["live", "test"] as const).map((env) => ({
          // A key belongs to one environment, so switching environment shows all keys again.
          href: dashboardHref({ ...p, env, keyId: env === p.env ? p.keyId : null }),
          label: env === "live" ? "Live" : "Test",
          title: env === "live" ? "Usage of live keys" : "Usage of test keys (simulated responses)",
          current: env === p.env,
          tone: env === "test" ? "test" : "neutral",
        }))}
      />
      <KeySelect options={data.keyOptions.map((k) => ({ id: k.id, name: k.name, revoked: k.revoked }))} value={p.keyId} hrefs={keyHrefs} />
      <a href={data.csvHref} download className={buttonClasses({ variant: "secondary", className: "sm:ml-auto" })}>
        <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.5">
          <path d="M8 2.5v8M4.5 7L8 10.5 11.5 7M3 13.5h10" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        Download CSV
      </a>
    </div>
  );
}
