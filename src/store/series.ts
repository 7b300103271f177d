import type { BnLayerTelemetry, Telemetry } from '../coordinator/telemetry.ts';
import {
  joinTelemetry,
  layerColumnNames,
  telemetryColumnNames,
} from '../coordinator/telemetry-columns.ts';

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

/**
 * The pieces one after another, as appendTelemetry would join them one by one, in one pass: each
 * piece's columns are pushed onto new arrays (a resumed piece first cuts the steps at or after its
 * own first step). Joining pair by pair copied everything saved so far for every chunk, which for
 * a long run (hundreds of chunks of thousands of steps) blocked the page for hundreds of ms.
 * Null when there is no piece. The pieces are left alone.
 */
export function concatTelemetry(pieces: readonly Telemetry[]): Telemetry | null {
  const last = pieces[pieces.length - 1];
  if (!last) return null;
  const out = emptyLike(last);
  for (const piece of pieces) {
    const first = piece.step[0];
    if (first !== undefined) {
      cutFrom(out, telemetryColumnNames, first);
      for (const layer of Object.values(out.bn)) cutFrom(layer, layerColumnNames, first);
    }
    pushColumns(out, piece, telemetryColumnNames);
    for (const [name, layer] of Object.entries(piece.bn)) {
      const into = out.bn[name] ?? emptyLayer(layer);
      out.bn[name] = into;
      // The later piece's channels win, as in joinTelemetry.
      into.channels.splice(0, into.channels.length, ...layer.channels);
      pushColumns(into, layer, layerColumnNames);
    }
  }
  return out;
}

function emptyLike(t: Telemetry): Telemetry & { bn: Record<string, BnLayerTelemetry> } {
  const out: Record<string, unknown> = {
    transport: t.transport,
    devices: t.devices,
    workers: t.workers,
    bn: {},
  };
  for (const name of telemetryColumnNames) out[name] = [];
  return out as unknown as Telemetry & { bn: Record<string, BnLayerTelemetry> };
}

function emptyLayer(l: BnLayerTelemetry): BnLayerTelemetry {
  const out: Record<string, unknown> = { channels: l.channels.slice() };
  for (const name of layerColumnNames) out[name] = [];
  return out as unknown as BnLayerTelemetry;
}

/** Drops the steps at or after `first` (a resumed piece replaces them). */
function cutFrom<T extends { readonly step: readonly number[] }>(
  into: T,
  names: readonly (keyof T)[],
  first: number,
): void {
  const keep = keepBefore(into.step.length, (i) => into.step[i]!, first);
  if (keep === into.step.length) return;
  for (const name of names) (into[name] as unknown[]).length = keep;
}

function pushColumns<T>(into: T, from: T, names: readonly (keyof T)[]): void {
  for (const name of names) {
    const column = into[name] as unknown[];
    for (const v of from[name] as readonly unknown[]) column.push(v);
  }
}
