import type { BnLayerTelemetry, Telemetry } from '../coordinator/telemetry.ts';

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

type ArrayKeys<T> = { [K in keyof T]: T[K] extends readonly unknown[] ? K : never }[keyof T];

// Listed as records so that a new telemetry column fails to compile until it is handled here.
const TELEMETRY_COLUMNS: { readonly [K in ArrayKeys<Telemetry>]: true } = {
  step: true,
  deviceLoss: true,
  deviceAcc: true,
  deviceCount: true,
  computeMs: true,
  waitMs: true,
  collectiveCalls: true,
  bytes: true,
};
const LAYER_COLUMNS: { readonly [K in Exclude<ArrayKeys<BnLayerTelemetry>, 'channels'>]: true } = {
  step: true,
  deviceMean: true,
  deviceVar: true,
  globalMean: true,
  globalVar: true,
  runningMean: true,
  runningVar: true,
  meanNoise: true,
  varNoise: true,
};

export const telemetryColumnNames = Object.keys(TELEMETRY_COLUMNS) as ArrayKeys<Telemetry>[];
export const layerColumnNames = Object.keys(LAYER_COLUMNS) as (keyof typeof LAYER_COLUMNS)[];

function appendColumns<T extends { readonly step: readonly number[] }>(
  into: T,
  from: T,
  names: readonly (keyof T)[],
): void {
  const first = from.step[0];
  if (first === undefined) return;
  const keep = keepBefore(into.step.length, (i) => into.step[i]!, first);
  for (const name of names) {
    const target = into[name] as unknown[];
    const source = from[name] as readonly unknown[];
    target.length = keep;
    for (let i = 0; i < source.length; i++) target.push(source[i]);
  }
}

/**
 * Append `next`'s columns to `into`'s arrays in place (`into` must be a copy the caller owns, see
 * cloneTelemetry) and return the combined telemetry, whose scalars (transport, workers) are
 * `next`'s: a resumed run may have used another transport.
 */
export function appendTelemetry(into: Telemetry, next: Telemetry): Telemetry {
  appendColumns(into, next, telemetryColumnNames);
  for (const [layer, columns] of Object.entries(next.bn)) {
    const target = into.bn[layer];
    if (target) appendColumns(target, columns, layerColumnNames);
    else into.bn[layer] = structuredClone(columns);
  }
  return { ...into, transport: next.transport, devices: next.devices, workers: next.workers };
}

export function cloneTelemetry(t: Telemetry): Telemetry {
  return structuredClone(t);
}

export function telemetryRows(t: Telemetry): number {
  return t.step.length;
}
