import type { LiveRun } from '../session/live-run.ts';

/** What the device panel shows: one run (by key) and one of its BN layers. */
export interface DevicePanelPick {
  readonly runKey: string;
  readonly layer: string;
}

/**
 * The run and layer the device panel shows after an update. It shows the featured run (the
 * session's pick among runs that train together) as soon as that has telemetry, unless the user
 * picked one; a pick that has no telemetry (yet, or any more) falls back to the last run that has
 * some, and a layer that run lacks to its first layer.
 */
export function pickDevicePanel(
  runs: readonly LiveRun[],
  featured: number,
  userPickedRun: boolean,
  shown: DevicePanelPick,
): DevicePanelPick {
  let { runKey, layer } = shown;
  const withTelemetry = runs.filter((r) => r.telemetry);
  const featuredRun = runs[featured];
  if (!userPickedRun && featuredRun?.telemetry) runKey = featuredRun.key;
  if (!withTelemetry.some((r) => r.key === runKey))
    runKey = withTelemetry[withTelemetry.length - 1]?.key ?? '';
  const layers = Object.keys(runs.find((r) => r.key === runKey)?.telemetry?.bn ?? {});
  if (!layers.includes(layer)) layer = layers[0] ?? '';
  return { runKey, layer };
}
