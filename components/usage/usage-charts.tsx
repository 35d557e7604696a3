"use client";

import type { ReactNode } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from "recharts";
import type { ChartPoint, SeriesKey } from "@/lib/usage/chart-series";
import { formatCompact, formatInteger, formatPercent, formatUsd, formatUsdTick } from "./format";
import { CHART_HEIGHT_CLASS } from "./chart-size";
import { seriesColor, USAGE_COLORS } from "./colors";

// Client-side only because recharts measures and draws in the browser. Each chart sits in a
// fixed-height box (CHART_HEIGHT_CLASS), so nothing below moves when it appears.

const axisTick = { fontSize: 12, fill: "#71717a" };
const grid = <CartesianGrid vertical={false} stroke="#e4e4e7" />;

function xAxis() {
  return (
    <XAxis dataKey="label" tickLine={false} axisLine={{ stroke: "#d4d4d8" }} tick={axisTick} minTickGap={20} interval="preserveStartEnd" />
  );
}

function ChartBox({ children }: { children: ReactNode }) {
  return (
    <div className={CHART_HEIGHT_CLASS}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </div>
  );
}

interface TooltipRow {
  name: string;
  color: string;
  value: string;
}

function TooltipBox({ title, rows, footer }: { title: string; rows: TooltipRow[]; footer?: TooltipRow }) {
  return (
    <div className="min-w-44 rounded-md border border-zinc-200 bg-white px-3 py-2 text-xs shadow-lg">
      <p className="font-medium text-zinc-900">{title}</p>
      <ul className="mt-1.5 space-y-1">
        {rows.map((r) => (
          <li key={r.name} className="flex items-center justify-between gap-4">
            <span className="flex min-w-0 items-center gap-1.5 text-zinc-600">
              <span aria-hidden="true" className="size-2 shrink-0 rounded-sm" style={{ backgroundColor: r.color }} />
              <span className="max-w-48 truncate">{r.name}</span>
            </span>
            <span className="font-medium text-zinc-900 tabular-nums">{r.value}</span>
          </li>
        ))}
      </ul>
      {footer && (
        <p className="mt-1.5 flex justify-between gap-4 border-t border-zinc-100 pt-1.5 text-zinc-600">
          {footer.name}
          <span className="font-medium text-zinc-900 tabular-nums">{footer.value}</span>
        </p>
      )}
    </div>
  );
}

const pointOf = (props: TooltipContentProps) => props.payload?.[0]?.payload as ChartPoint | undefined;

/** A chart's tooltip: the hovered bucket's rows. Called inline, so recharts sees a <Tooltip> child. */
function pointTooltip(describe: (p: ChartPoint) => { rows: TooltipRow[]; footer?: TooltipRow }) {
  return (
    <Tooltip
      cursor={{ fill: "#f4f4f5" }}
      content={(props: TooltipContentProps) => {
        const p = pointOf(props);
        if (!props.active || !p) return null;
        return <TooltipBox title={p.title} {...describe(p)} />;
      }}
    />
  );
}

export function SeriesLegend({ items }: { items: { id?: string; name: string; color: string }[] }) {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600" aria-label="Legend">
      {items.map((s) => (
        // By id: two keys may share a name, and a rolled key keeps its predecessor's.
        <li key={s.id ?? s.name} className="flex min-w-0 items-center gap-1.5">
          <span aria-hidden="true" className="size-2.5 shrink-0 rounded-sm" style={{ backgroundColor: s.color }} />
          <span className="max-w-[12rem] truncate" title={s.name}>
            {s.name}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Tokens or cost per bucket, one stacked bar segment per key. */
export function KeyStackedChart({ points, series, metric }: { points: ChartPoint[]; series: SeriesKey[]; metric: "tokens" | "cost" }) {
  const prefix = metric === "tokens" ? "t" : "c";
  const fmt = metric === "tokens" ? formatInteger : formatUsd;
  return (
    <div className="space-y-3">
      <SeriesLegend items={series.map((s) => ({ id: s.id, name: s.name, color: seriesColor(s) }))} />
      <ChartBox>
        <BarChart data={points} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
          {grid}
          {xAxis()}
          <YAxis
            tickLine={false}
            axisLine={false}
            tick={axisTick}
            width={metric === "tokens" ? 52 : 68}
            tickFormatter={(v: number) => (metric === "tokens" ? formatCompact(v) : formatUsdTick(v))}
          />
          {pointTooltip((p) => ({
            rows: series
              .filter((s) => p[`${prefix}${s.slot}`] > 0)
              .map((s) => ({ name: s.name, color: seriesColor(s), value: fmt(p[`${prefix}${s.slot}`]) })),
            footer: {
              name: "Total",
              color: "",
              value:
                fmt(metric === "tokens" ? p.inputTokens + p.outputTokens : p.costUsd) +
                (metric === "cost" && p.unpricedRequests > 0 ? " + unknown" : ""),
            },
          }))}
          {series.map((s) => (
            <Bar
              key={s.id}
              dataKey={`${prefix}${s.slot}`}
              name={s.name}
              stackId="keys"
              fill={seriesColor(s)}
              maxBarSize={36}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ChartBox>
    </div>
  );
}

/** Requests per bucket (errors stacked on top, in red) with the error rate as a line. */
export function RequestsChart({ points }: { points: ChartPoint[] }) {
  return (
    <div className="space-y-3">
      <SeriesLegend
        items={[
          { name: "Succeeded", color: USAGE_COLORS.requests },
          { name: "Failed", color: USAGE_COLORS.errors },
          { name: "Error rate", color: USAGE_COLORS.errorRate },
        ]}
      />
      <ChartBox>
        <ComposedChart data={points} margin={{ top: 4, right: 0, bottom: 0, left: 0 }}>
          {grid}
          {xAxis()}
          <YAxis
            yAxisId="count"
            tickLine={false}
            axisLine={false}
            tick={axisTick}
            width={52}
            allowDecimals={false}
            tickFormatter={formatCompact}
          />
          <YAxis
            yAxisId="rate"
            orientation="right"
            tickLine={false}
            axisLine={false}
            tick={axisTick}
            width={44}
            domain={[0, (max: number) => Math.min(1, Math.max(0.1, max * 1.2))]}
            tickFormatter={(v: number) => formatPercent(v)}
          />
          {pointTooltip((p) => ({
            rows: [
              { name: "Requests", color: USAGE_COLORS.requests, value: formatInteger(p.requests) },
              { name: "Failed", color: USAGE_COLORS.errors, value: formatInteger(p.errors) },
              { name: "Error rate", color: USAGE_COLORS.errorRate, value: p.errorRate === null ? "–" : formatPercent(p.errorRate) },
            ],
          }))}
          <Bar
            yAxisId="count"
            dataKey={(p: ChartPoint) => p.requests - p.errors}
            name="Succeeded"
            stackId="requests"
            fill={USAGE_COLORS.requests}
            maxBarSize={36}
            isAnimationActive={false}
          />
          <Bar
            yAxisId="count"
            dataKey="errors"
            name="Failed"
            stackId="requests"
            fill={USAGE_COLORS.errors}
            maxBarSize={36}
            isAnimationActive={false}
          />
          <Line
            yAxisId="rate"
            dataKey="errorRate"
            name="Error rate"
            type="monotone"
            stroke={USAGE_COLORS.errorRate}
            strokeWidth={2}
            dot={{ r: 2.5, strokeWidth: 0, fill: USAGE_COLORS.errorRate }}
            activeDot={{ r: 4 }}
            connectNulls={false}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ChartBox>
    </div>
  );
}

/** Input and output tokens per bucket, stacked: one key's page. */
export function TokensChart({ points }: { points: ChartPoint[] }) {
  return (
    <div className="space-y-3">
      <SeriesLegend
        items={[
          { name: "Input tokens", color: USAGE_COLORS.input },
          { name: "Output tokens", color: USAGE_COLORS.output },
        ]}
      />
      <ChartBox>
        <BarChart data={points} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
          {grid}
          {xAxis()}
          <YAxis tickLine={false} axisLine={false} tick={axisTick} width={52} tickFormatter={formatCompact} />
          {pointTooltip((p) => ({
            rows: [
              { name: "Input tokens", color: USAGE_COLORS.input, value: formatInteger(p.inputTokens) },
              { name: "Output tokens", color: USAGE_COLORS.output, value: formatInteger(p.outputTokens) },
            ],
            footer: { name: "Cost", color: "", value: formatUsd(p.costUsd) + (p.unpricedRequests > 0 ? " + unknown" : "") },
          }))}
          <Bar
            dataKey="inputTokens"
            name="Input tokens"
            stackId="tokens"
            fill={USAGE_COLORS.input}
            maxBarSize={36}
            isAnimationActive={false}
          />
          <Bar
            dataKey="outputTokens"
            name="Output tokens"
            stackId="tokens"
            fill={USAGE_COLORS.output}
            maxBarSize={36}
            isAnimationActive={false}
          />
        </BarChart>
      </ChartBox>
    </div>
  );
}
