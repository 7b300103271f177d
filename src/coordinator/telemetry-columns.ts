import type { BnLayerTelemetry, Telemetry } from './telemetry-types.ts';

/**
 * Telemetry is kept as columns, one entry per recorded step. These are the only functions that
 * know the column names: selecting steps and joining runs' columns for the session's events, the
 * app's live view and the store all go through them.
 */
type ArrayKeys<T> = { [K in keyof T]: T[K] extends readonly unknown[] ? K : never }[keyof T];
type RunColumn = ArrayKeys<Telemetry>;
type LayerColumn = Exclude<ArrayKeys<BnLayerTelemetry>, 'channels'>;

// Records, so that a new column fails to compile until it is listed here.
const RUN_COLUMNS: { readonly [K in RunColumn]: true } = {
  step: true,
  deviceLoss: true,
  deviceAcc: true,
  deviceCount: true,
  computeMs: true,
  waitMs: true,
  collectiveCalls: true,
  bytes: true,
};
const LAYER_COLUMNS: { readonly [K in LayerColumn]: true } = {
  step: true,
  deviceMean: true,
  deviceVar: true,
  usedMean: true,
  usedVar: true,
  globalMean: true,
  globalVar: true,
  runningMean: true,
  runningVar: true,
  meanNoise: true,
  varNoise: true,
};

export const telemetryColumnNames = Object.keys(RUN_COLUMNS) as RunColumn[];
export const layerColumnNames = Object.keys(LAYER_COLUMNS) as LayerColumn[];

/** A layer's columns as saved before `usedMean`/`usedVar` existed (an empty row per step). */
export type SavedLayerTelemetry = Omit<BnLayerTelemetry, 'usedMean' | 'usedVar'> &
  Partial<Pick<BnLayerTelemetry, 'usedMean' | 'usedVar'>>;
export type SavedTelemetry = Omit<Telemetry, 'bn'> & {
  readonly bn: Readonly<Record<string, SavedLayerTelemetry>>;
};

/**
 * Telemetry as saved by any version, in today's shape: a layer without the `usedMean`/`usedVar`
 * columns (runs saved before they were recorded) gets an empty row per step, which the app shows
 * as "not recorded". The input is not changed.
 */
export function completeTelemetry(t: SavedTelemetry): Telemetry {
  const bn: Record<string, BnLayerTelemetry> = {};
  for (const [layer, l] of Object.entries(t.bn)) {
    bn[layer] = {
      ...l,
      usedMean: l.usedMean ?? l.step.map(() => []),
      usedVar: l.usedVar ?? l.step.map(() => []),
    };
  }
  return { ...t, bn };
}

function pickColumns<T extends { readonly step: readonly number[] }>(
  source: T,
  names: readonly (keyof T)[],
  keep: (step: number) => boolean,
): Partial<T> {
  const rows: number[] = [];
  for (let i = 0; i < source.step.length; i++) if (keep(source.step[i]!)) rows.push(i);
  const out: Partial<T> = {};
  for (const name of names) {
    const column = source[name] as readonly unknown[];
    (out as Record<keyof T, unknown>)[name] = rows.map((i) => column[i]);
  }
  return out;
}

/** The columns of the steps `keep` accepts, in new arrays. */
export function selectSteps(t: Telemetry, keep: (step: number) => boolean): Telemetry {
  const bn: Record<string, BnLayerTelemetry> = {};
  for (const [layer, l] of Object.entries(t.bn)) {
    bn[layer] = {
      channels: l.channels.slice(),
      ...pickColumns(l, layerColumnNames, keep),
    } as BnLayerTelemetry;
  }
  return {
    transport: t.transport,
    devices: t.devices,
    workers: t.workers,
    ...(pickColumns(t, telemetryColumnNames, keep) as Omit<
      Telemetry,
      'bn' | 'transport' | 'devices' | 'workers'
    >),
    bn,
  };
}

/** The telemetry of the steps recorded after the first `from` (for incremental events). */
export function sliceTelemetry(t: Telemetry, from: number): Telemetry {
  const first = t.step[from];
  return selectSteps(t, (step) => first !== undefined && step >= first);
}

/** The telemetry of the steps after `step` (the recorder may thin what it holds, so not by index). */
export function telemetryAfterStep(t: Telemetry, step: number): Telemetry {
  return selectSteps(t, (s) => s > step);
}

/**
 * `earlier` followed by `later`, in new arrays. A `later` that restarts at or before a step of
 * `earlier` is a run resumed from a checkpoint: its steps replace the earlier ones from there on.
 * The later part's transport and sizes win (a resumed run may run on another transport).
 */
export function joinTelemetry(earlier: Telemetry | null, later: Telemetry): Telemetry {
  if (!earlier) return selectSteps(later, () => true);
  const from = later.step[0];
  const lastEarlier = earlier.step[earlier.step.length - 1];
  // The usual case (a run's next steps) keeps every earlier step: the columns are concatenated
  // below (new arrays) without going step by step, which for a long run's live view cost a copy
  // of thousands of steps in script for every event.
  const keepsAll = from === undefined || lastEarlier === undefined || from > lastEarlier;
  const head = keepsAll ? earlier : selectSteps(earlier, (s) => s < from);
  const tail = selectSteps(later, () => true);
  const bn: Record<string, BnLayerTelemetry> = {};
  for (const [layer, l] of Object.entries(head.bn)) {
    bn[layer] = keepsAll ? copyLayer(l) : l;
  }
  for (const [layer, l] of Object.entries(tail.bn)) {
    const h = bn[layer];
    bn[layer] = h ? joinColumns(h, l, layerColumnNames) : l;
  }
  return {
    ...joinColumns(head, tail, telemetryColumnNames),
    transport: later.transport,
    devices: later.devices,
    workers: later.workers,
    bn,
  };
}

/** A layer in new arrays (its rows, never changed in place, are shared). */
function copyLayer(l: BnLayerTelemetry): BnLayerTelemetry {
  const out: Record<string, unknown> = { ...l, channels: l.channels.slice() };
  for (const name of layerColumnNames) out[name] = l[name].slice();
  return out as unknown as BnLayerTelemetry;
}

function joinColumns<T>(a: T, b: T, names: readonly (keyof T)[]): T {
  const out = { ...b };
  for (const name of names) {
    (out as Record<keyof T, unknown>)[name] = (a[name] as unknown[]).concat(b[name] as unknown[]);
  }
  return out;
}

/**
 * Keep only the steps `keep` accepts, in place: the arrays stay the same objects, so whoever holds
 * the live telemetry (a session, the CLI) sees the result. The recorder thins itself this way.
 */
export function keepStepsInPlace(t: Telemetry, keep: (step: number) => boolean): void {
  filterColumns(t, telemetryColumnNames, keep);
  for (const l of Object.values(t.bn)) filterColumns(l, layerColumnNames, keep);
}

function filterColumns<T extends { readonly step: readonly number[] }>(
  source: T,
  names: readonly (keyof T)[],
  keep: (step: number) => boolean,
): void {
  const steps = source.step;
  const kept: boolean[] = steps.map((s) => keep(s));
  for (const name of names) {
    const column = source[name] as unknown[];
    let at = 0;
    for (let i = 0; i < kept.length; i++) if (kept[i]) column[at++] = column[i];
    column.length = at;
  }
}
