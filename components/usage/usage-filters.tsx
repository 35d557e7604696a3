import { buttonClasses } from "@/components/ui/button";
import type { OverviewData } from "@/lib/usage/dashboard";
import { DASHBOARD_RANGES, dashboardHref, RANGE_LABELS } from "@/lib/usage/dashboard-url";
import { isoDay } from "@/lib/usage/query";
import { DateRangeForm } from "./date-range-form";
import { KeySelect } from "./key-select";
import { LinkSelect } from "./link-select";
import { SegmentedLinks } from "./segmented-links";

const capitalize = (s: string) => s[0].toUpperCase() + s.slice(1);

/** The days a range covers, for the date inputs: the last 24 hours touch two. */
function shownDays(range: OverviewData["range"]): { from: string; to: string } {
  if (range.kind === "days") return { from: range.from, to: range.to };
  return { from: isoDay(range.from), to: isoDay(new Date(range.to.getTime() - 1)) };
}

/**
 * Range (a preset or custom dates), environment, key, provider and model: all in the URL, so every
 * view can be bookmarked and shared.
 */
export function UsageFilters({
  data,
  error,
  attempted,
  now,
}: {
  data: OverviewData;
  error: string | null;
  attempted: { from: string; to: string } | null;
  now: Date;
}) {
  const p = data.params;
  const keyHrefs: Record<string, string> = { "": dashboardHref({ ...p, keyId: null }) };
  for (const k of data.keyOptions) keyHrefs[k.id] = dashboardHref({ ...p, keyId: k.id });
  const providerHrefs: Record<string, string> = { "": dashboardHref({ ...p, provider: null, model: null }) };
  for (const provider of data.choices.providers) {
    providerHrefs[provider] = dashboardHref({ ...p, provider, model: provider === p.provider ? p.model : null });
  }
  // A model's value names its provider too: two providers may serve a model of the same name.
  const modelValue = (provider: string, model: string) => `${provider}/${model}`;
  const modelHrefs: Record<string, string> = { "": dashboardHref({ ...p, model: null }) };
  for (const m of data.choices.models) modelHrefs[modelValue(m.provider, m.model)] = dashboardHref({ ...p, ...m });
  const days = shownDays(data.range);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-x-4 gap-y-3">
        <SegmentedLinks
          label="Time range"
          items={[
            ...DASHBOARD_RANGES.map((r) => ({
              href: dashboardHref({ ...p, range: r, custom: null }),
              label: RANGE_LABELS[r].short,
              title: capitalize(RANGE_LABELS[r].long),
              current: !p.custom && r === p.range,
            })),
            {
              // Custom starts from the days shown now; the dates below then change it.
              href: dashboardHref({ ...p, custom: days }),
              label: "Custom",
              title: "Choose the dates below",
              current: Boolean(p.custom),
            },
          ]}
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
        <a href={data.csvHref} download className={buttonClasses({ variant: "secondary", className: "sm:ml-auto" })}>
          <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.5">
            <path d="M8 2.5v8M4.5 7L8 10.5 11.5 7M3 13.5h10" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          Download CSV
        </a>
      </div>
      <div className="flex flex-wrap items-end gap-x-4 gap-y-3">
        <KeySelect
          options={data.keyOptions.map((k) => ({ id: k.id, name: k.name, revoked: k.revoked }))}
          value={p.keyId}
          hrefs={keyHrefs}
        />
        <LinkSelect
          label="Provider"
          allLabel="All providers"
          options={data.choices.providers.map((v) => ({ value: v, label: v }))}
          value={p.provider ?? null}
          hrefs={providerHrefs}
          className="w-full sm:w-44"
        />
        <LinkSelect
          label="Model"
          allLabel="All models"
          options={data.choices.models.map((m) => ({
            value: modelValue(m.provider, m.model),
            label: p.provider ? m.model : `${m.model} (${m.provider})`,
          }))}
          value={p.provider && p.model ? modelValue(p.provider, p.model) : null}
          hrefs={modelHrefs}
          className="w-full sm:w-64"
        />
        <DateRangeForm
          key={`${days.from}/${days.to}/${attempted?.from}/${attempted?.to}`}
          params={p}
          shown={days}
          today={isoDay(now)}
          error={error}
          attempted={attempted}
        />
      </div>
    </div>
  );
}
