import { joinTelemetry, selectSteps } from '../../coordinator/telemetry-columns.ts';
import type { Telemetry } from '../../coordinator/telemetry.ts';

/**
 * One growing Telemetry from the slices a run sends with its `steps` events. Pure: returns new
 * objects and arrays (the inputs are left alone), so components see a new value each time and
 * nothing a chart holds changes under it. The latest slice's transport and sizes win.
 */
export function appendTelemetry(into: Telemetry | null, slice: Telemetry): Telemetry {
  return joinTelemetry(into, slice);
}

/** The columns of the steps after `afterStep` (a resumed run re-sends what was already saved). */
export function telemetryAfter(t: Telemetry, afterStep: number): Telemetry {
  return selectSteps(t, (s) => s > afterStep);
}

/** The columns of the steps up to and including `step` (what a checkpoint covers). */
export function telemetryUpTo(t: Telemetry, step: number): Telemetry {
  return selectSteps(t, (s) => s <= step);
}
