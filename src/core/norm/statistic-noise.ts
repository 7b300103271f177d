import type { Moments } from './moments.ts';

/** ε of the noise measures: keeps a channel with no spread from dividing by zero. */
const EPS = 1e-5;

/**
 * How far one device's batch statistics are from the global batch's, over every channel c
 * (telemetry's "noise", plain BN moments with one group):
 *   mean: √( mean_c (μ_k,c − μ_c)² / (σ²_c + ε) )
 *   var:  √( mean_c ln((σ²_k,c + ε) / (σ²_c + ε))² )
 * with biased variances M2/N; 0 for a device with no samples. `spread` is scratch (≥ C values).
 * The worker computes it where it holds the global moments (a span over every device) and the
 * coordinator everywhere else, with this one function, so the numbers are the same either way.
 */
export function statisticNoise(
  own: Moments,
  global: Moments,
  spread: Float64Array,
): { mean: number; var: number } {
  const n = own.count[0]!;
  if (!n) return { mean: 0, var: 0 };
  const C = own.channels;
  const gN = global.count[0]!;
  for (let c = 0; c < C; c++) spread[c] = (gN > 0 ? global.m2[c]! / gN : 0) + EPS;
  const gMean = global.mean;
  const mean = own.mean;
  const m2 = own.m2;
  let sm = 0;
  let sv = 0;
  for (let c = 0; c < C; c++) {
    const d = mean[c]! - gMean[c]!;
    sm += (d * d) / spread[c]!;
    const l = Math.log((m2[c]! / n + EPS) / spread[c]!);
    sv += l * l;
  }
  return { mean: Math.sqrt(sm / C), var: Math.sqrt(sv / C) };
}
