import type { Telemetry } from '../coordinator/telemetry.ts';
import { joinTelemetry } from '../coordinator/telemetry-columns.ts';

/**
 * Step series are appended in order. A series that restarts at or before the last saved step is
 * a run resumed from a checkpoint: its rows replace the saved ones from that step on.
 */
function keepBefore(length: number, stepAt: (i: number) => number, firstNew: number): number {
  let keep = length;
  while (keep > 0 && stepAt(keep - 1) >= firstNew) keep--;
  return keep;
}

export function appendRows<Row extends { readonly step: number }>(
  into: Row[],
  rows: readonly Row[],
): void {
  const first = rows[0];
  if (!first) return;
  into.length = keepBefore(into.length, (i) => into[i]!.step, first.step);
  for (const row of rows) into.push(row);
}

export {
  completeTelemetry,
  layerColumnNames,
  type SavedTelemetry,
  telemetryColumnNames,
} from '../coordinator/telemetry-columns.ts';

/** `next` after `into` (resumed steps replace the saved ones from there on), in new arrays. */
export function appendTelemetry(into: Telemetry, next: Telemetry): Telemetry {
  return joinTelemetry(into, next);
}

export function cloneTelemetry(t: Telemetry): Telemetry {
  return structuredClone(t);
}

export function telemetryRows(t: Telemetry): number {
  return t.step.length;
}
