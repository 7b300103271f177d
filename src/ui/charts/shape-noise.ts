import type uPlot from 'uplot';
import type { BnLayerTelemetry } from '../../coordinator/telemetry.ts';
import { finiteOrNull, nullColumn } from './shape-common.ts';

/** 'mean': RMS_c((μ_k − μ)/σ); 'var': RMS_c(log(σ²_k/σ²)) — see BnLayerTelemetry. */
export type NoiseKind = 'mean' | 'var';

export interface NoiseLatest {
  readonly step: number;
  readonly devices: readonly (number | null)[];
  /** Average over the devices that reported. */
  readonly average: number | null;
}

export interface ShapedNoise {
  /** [steps, device 0, ..., device K−1] */
  readonly data: uPlot.AlignedData;
  readonly latest: NoiseLatest | null;
}

/** Each device's distance from the global batch statistics ([step][device]), one column per device. */
export function shapeNoise(layer: BnLayerTelemetry, devices: number, kind: NoiseKind): ShapedNoise {
  const source = kind === 'mean' ? layer.meanNoise : layer.varNoise;
  const n = layer.step.length;
  const cols = Array.from({ length: devices }, () => nullColumn(n));
  for (let s = 0; s < n; s++) {
    const row = source[s];
    for (let k = 0; k < devices; k++) cols[k]![s] = finiteOrNull(row?.[k]); // k < devices, s < n
  }
  let latest: NoiseLatest | null = null;
  const lastStep = layer.step[n - 1];
  if (lastStep !== undefined) {
    const last = cols.map((c) => c[n - 1] ?? null);
    const present = last.filter((v): v is number => v !== null);
    const average = present.length > 0 ? present.reduce((a, b) => a + b, 0) / present.length : null;
    latest = { step: lastStep, devices: last, average };
  }
  return { data: [layer.step.slice(), ...cols], latest };
}
