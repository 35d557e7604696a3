/** Every chart's box height: fixed, so the page does not move when a chart draws itself. */
export const CHART_HEIGHT_CLASS = "h-64";
