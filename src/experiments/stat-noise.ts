import { msg, str } from '@lit/localize';
import { errorBarPanel, figure, PALETTE, type ReferencePoint } from './kit/figure.ts';
import { logVarNoiseReference, meanNoiseReference } from './kit/gaussian-noise.ts';
import { mnistMlp } from './kit/setups.ts';
import { logLogSlope, mean, rms, round } from './kit/stats.ts';
import { summarize } from './kit/summary.ts';
import { config, trainRun } from './kit/training.ts';
import type { Check, Experiment, Finding } from './kit/types.ts';
import { grid } from './kit/grid.ts';
import { joined, noneMeasured, num, quickMark } from './kit/words.ts';

type BnSync = 'local' | 'sync';

export interface StatNoiseRow {
  /** How the run normalized; the telemetry always reports each device's OWN batch statistics. */
  readonly bnSync: BnSync;
  readonly perDeviceBatch: number;
  readonly seed: number;
  /** The BN layer ("bn1", "bn2"). */
  readonly layer: string;
  /** RMS over steps and devices of the telemetry's RMS_c((μ_k − μ)/σ). */
  readonly meanNoise: number;
  /** RMS over steps and devices of RMS_c(log(σ²_k/σ²)). */
  readonly varNoise: number;
  readonly meanNoiseReference: number;
  readonly varNoiseReference: number;
}

export interface StatNoiseFinding extends Finding {
  /** Fitted exponent p of noise ∝ b^p, per "<bnSync> <layer>" (−0.5 for 1/√b). */
  readonly meanNoiseExponent: Record<string, number>;
  readonly varNoiseExponent: Record<string, number>;
  /** Measured / reference, averaged over batches, per "<bnSync> <layer>". */
  readonly meanNoiseRatio: Record<string, number>;
  readonly varNoiseRatio: Record<string, number>;
}

const DEVICES = 8;
const MODES: readonly BnSync[] = ['sync', 'local'];
const plan = (quick: boolean) => ({
  batches: quick ? [2, 4, 8, 16, 32, 64] : [2, 4, 8, 16, 32, 64, 128],
  seeds: quick ? [1, 2, 3] : [1, 2, 3, 4, 5],
  steps: quick ? 20 : 100,
});

/**
 * How far each device's batch mean and variance sit from the global batch's as the per-device
 * batch shrinks (8 devices, telemetry every step), against the 1/√b law. Measured under SyncBN
 * (every layer then sees i.i.d. inputs, so the law applies at every depth) and under local BN,
 * where each device's first BN already forces its own batch to mean β and variance γ², so the
 * layers after it see devices that agree far more than i.i.d. samples would.
 */
export const statNoise: Experiment<StatNoiseRow, StatNoiseFinding> = {
  name: 'stat-noise',
  get title() {
    return msg('Noise of per-device BN statistics vs per-device batch');
  },
  get question() {
    return msg(
      'How far do one device’s BatchNorm statistics stray from the whole batch’s when each device holds only a few samples?',
    );
  },
  get answer() {
    return msg(
      'The stray of a device’s batch mean shrinks like 1/√b, so small per-device batches give noisy statistics, except in layers after a local BN, where each device’s previous normalization has already pulled the devices together.',
    );
  },
  get reference() {
    return msg(
      'Wu & He 2018, §3: small per-GPU batches make BN’s statistics inaccurate; the mean of b samples has noise ∝ 1/√b.',
    );
  },
  seeds: (quick) => plan(quick).seeds,
  units(quick) {
    const p = plan(quick);
    return grid({ seed: p.seeds, bnSync: MODES, b: p.batches }).map(({ seed, bnSync, b }) => ({
      key: `${bnSync}/b${b}/s${seed}`,
      cost: (p.steps * (16 + b)) / 3000,
      run: async (ctx) => {
        const cfg = config(
          mnistMlp(quick, {
            seed,
            bnSync,
            perDeviceBatch: b,
            devices: DEVICES,
            steps: p.steps,
            telemetryEvery: 1,
          }),
        );
        const r = await trainRun(ctx, cfg);
        return Object.entries(r.telemetry.bn).map(([layer, t]) => ({
          bnSync,
          perDeviceBatch: b,
          seed,
          layer,
          meanNoise: round(rms(t.meanNoise.flat())),
          varNoise: round(rms(t.varNoise.flat())),
          meanNoiseReference: round(meanNoiseReference(b, DEVICES)),
          varNoiseReference: round(logVarNoiseReference(b)),
        }));
      },
    }));
  },
  rowKey: (r) => `${r.bnSync}/b${r.perDeviceBatch}/s${r.seed}`,
  finding(rows) {
    const curves = [...new Set(rows.map(curveOf))];
    const batches = [...new Set(rows.map((r) => r.perDeviceBatch))].sort((a, b) => a - b);
    const at = (curve: string, b: number, f: (r: StatNoiseRow) => number): number =>
      mean(rows.filter((r) => curveOf(r) === curve && r.perDeviceBatch === b).map(f));
    const perCurve = (g: (curve: string) => number): Record<string, number> =>
      Object.fromEntries(curves.map((c) => [c, round(g(c), 3)]));
    const exponent = (f: (r: StatNoiseRow) => number) =>
      perCurve((c) =>
        logLogSlope(
          batches,
          batches.map((b) => at(c, b, f)),
        ),
      );
    const ratio = (f: (r: StatNoiseRow) => number, ref: (r: StatNoiseRow) => number) =>
      perCurve((c) => mean(batches.map((b) => at(c, b, f) / at(c, b, ref))));
    const meanNoiseExponent = exponent((r) => r.meanNoise);
    const varNoiseExponent = exponent((r) => r.varNoise);
    const meanNoiseRatio = ratio(
      (r) => r.meanNoise,
      (r) => r.meanNoiseReference,
    );
    const varNoiseRatio = ratio(
      (r) => r.varNoise,
      (r) => r.varNoiseReference,
    );
    const iid = curves.filter((c) => c.startsWith('sync ') || c === 'local bn1');
    const deeperLocal = curves.filter((c) => c.startsWith('local ') && c !== 'local bn1');
    const small = batches[0] ?? Number.NaN;
    const large = batches[batches.length - 1] ?? Number.NaN;
    // The records below come from perCurve, which has every curve: r[k] exists for each k in curves.
    const pick = (r: Record<string, number>, keys: readonly string[], suffix: string) =>
      Object.fromEntries(keys.map((k) => [`${k.replace(' ', '-')}${suffix}`, r[k]!]));
    const checks: Check[] = [
      {
        id: 'mean-noise-falls-like-inverse-sqrt-b',
        claim: msg(
          'where a layer sees i.i.d. inputs (every layer under SyncBN, the first under local BN), the per-device mean noise falls like 1/√b: fitted exponent within −0.5 ± 0.1',
        ),
        holds: iid.length > 0 && iid.every((c) => Math.abs(meanNoiseExponent[c]! + 0.5) <= 0.1),
        measured: msg(
          str`Slope of the mean noise on the log–log plot (1/√b is −0.5): ${listed(iid, (c) => num(meanNoiseExponent[c]!))}.`,
        ),
        values: pick(meanNoiseExponent, iid, '-exponent'),
      },
      {
        id: 'mean-noise-matches-reference',
        claim: msg(
          'there, the mean noise is within 15% of √((K−1)/(K·b)) on average over the batches',
        ),
        holds: iid.length > 0 && iid.every((c) => Math.abs(meanNoiseRatio[c]! - 1) <= 0.15),
        measured: msg(
          str`Measured mean noise over the dashed reference, averaged over the batches: ${listed(iid, (c) => `${num(meanNoiseRatio[c]!)}×`)}.`,
        ),
        values: pick(meanNoiseRatio, iid, '-ratio'),
      },
      {
        id: 'var-noise-shrinks-with-batch',
        claim: msg(
          str`the log-variance noise at batch ${small} exceeds that at batch ${large} in every layer`,
        ),
        holds:
          curves.length > 0 &&
          curves.every((c) => at(c, small, (r) => r.varNoise) > at(c, large, (r) => r.varNoise)),
        measured: msg(
          str`RMS log-ratio of the variances from batch ${small} to ${large}: ${listed(curves, (c) => `${num(at(c, small, (r) => r.varNoise))} → ${num(at(c, large, (r) => r.varNoise))}`)}.`,
        ),
        values: Object.fromEntries(
          curves.flatMap((c) => [
            [`${c.replace(' ', '-')}-at-${small}`, round(at(c, small, (r) => r.varNoise))],
            [`${c.replace(' ', '-')}-at-${large}`, round(at(c, large, (r) => r.varNoise))],
          ]),
        ),
      },
      {
        id: 'local-bn-aligns-deeper-layers',
        claim: msg(
          'under local BN, layers after the first see per-device means far closer than i.i.d. samples would (mean noise below half the reference)',
        ),
        holds: deeperLocal.length > 0 && deeperLocal.every((c) => meanNoiseRatio[c]! < 0.5),
        measured: msg(
          str`Under local BN, the mean noise after the first layer is ${listed(deeperLocal, (c) => `${num(meanNoiseRatio[c]!)}×`)} the i.i.d. reference, on average over the batches.`,
        ),
        values: pick(meanNoiseRatio, deeperLocal, '-ratio'),
      },
    ];
    return { meanNoiseExponent, varNoiseExponent, meanNoiseRatio, varNoiseRatio, checks };
  },
  figure(result) {
    const rows = result.rows;
    const curves = [...new Set(rows.map(curveOf))];
    const batches = [...new Set(rows.map((r) => r.perDeviceBatch))].sort((a, b) => a - b);
    const reference = msg('i.i.d. reference');
    // Under SyncBN both layers, and local BN's first, see i.i.d. inputs: their curves coincide
    // within a few percent, so drawn in one panel three of the five series hid one another.
    // One small panel per (BN mode, layer), a row per statistic, one y scale per row.
    const row = (
      statistic: string,
      y: (r: StatNoiseRow) => number,
      ref: (b: number) => number,
      yTitle: string,
    ) => {
      const points = summarize(rows, curveOf, (r) => r.perDeviceBatch, y);
      const refs = batches.map((b): ReferencePoint => ({ series: reference, x: b, y: ref(b) }));
      const ys = [...points.flatMap((p) => [p.lo, p.hi]), ...refs.map((r) => r.y)].filter(
        (v) => v > 0,
      );
      const yDomain = [Math.min(...ys) / 1.1, Math.max(...ys) * 1.1] as const;
      return {
        resolve: {
          scale: { color: 'independent', strokeDash: 'independent', shape: 'independent' },
        },
        hconcat: curves.map((curve, i) =>
          errorBarPanel({
            heading: msg(str`${statistic}, ${curve}`),
            points: points.filter((p) => p.series === curve),
            references: refs,
            xTitle: msg('per-device batch b'),
            yTitle: i === 0 ? yTitle : '',
            seriesTitle: msg('BN mode, layer'),
            xLog: true,
            yLog: true,
            yDomain,
            seriesOrder: [curve, reference],
            colors: [PALETTE[i % PALETTE.length]!],
            noLegend: true,
            width: 170,
            height: 150,
          }),
        ),
      };
    };
    return figure(
      {
        text: msg('Noise of each device’s BN statistics vs per-device batch'),
        subtitle: [
          msg(
            str`${DEVICES} devices, MNIST 14×14 MLP 64-64; RMS over steps, devices and channels; mean ± std over ${result.seeds.length} seeds${quickMark(result.quick)}.`,
          ),
          msg(
            'One panel per BN mode and layer (solid, with markers); dashed grey: the i.i.d. references, √((K−1)/(K·b)) for the mean',
          ),
          msg(
            '(∝ 1/√b), the Gaussian χ² law for the log-variance. Top row: mean (μ_k − μ)/σ; bottom row: variance log(σ²_k/σ²).',
          ),
        ],
      },
      [
        row(
          msg('mean'),
          (r) => r.meanNoise,
          (b) => meanNoiseReference(b, DEVICES),
          msg('RMS deviation'),
        ),
        row(msg('variance'), (r) => r.varNoise, logVarNoiseReference, msg('RMS log-ratio')),
      ],
      { vertical: true, independentColors: true },
    );
  },
};

function listed(curves: readonly string[], value: (curve: string) => string): string {
  // "sync bn1 −0.49": the curve's name (BN mode and layer, as the figure's panels are headed) and its value.
  const items = curves.map((c) => `${c} ${value(c)}`);
  if (items.length === 0) return noneMeasured();
  return joined(items);
}

function curveOf(r: StatNoiseRow): string {
  return `${r.bnSync} ${r.layer}`;
}
