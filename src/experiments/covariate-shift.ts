import { msg, str } from '@lit/localize';
import { comparePoints, num, percentValue } from './kit/words.ts';
import type { RunConfig } from '../config/schema.ts';
import { figure, type Panel, PALETTE } from './kit/figure.ts';
import { SingleDevice } from './kit/single-device.ts';
import { mean, quantile, round, spread } from './kit/stats.ts';
import { config } from './kit/training.ts';
import { makeYielder } from './kit/yield.ts';
import { grid } from './kit/grid.ts';
import {
  type Check,
  type Experiment,
  type Finding,
  StoppedError,
  type UnitContext,
} from './kit/types.ts';

type Norm = 'batch' | 'none';
export type CovariateNorm = Norm;

export interface CovariateProbe {
  readonly step: number;
  readonly testAccuracy: number;
  /** Percentiles over the probe digits of the tracked unit's sigmoid input. */
  readonly p15: number;
  readonly p50: number;
  readonly p85: number;
}

export interface CovariateShiftRow {
  readonly norm: Norm;
  readonly seed: number;
  readonly finalTestAccuracy: number;
  /** The tracked unit (unit 0 of the last hidden layer): mean p85 − p15 over the probes. */
  readonly band: number;
  /** …and how far its percentiles move over training: max − min per percentile, averaged. */
  readonly drift: number;
  /** The same two numbers averaged over all 100 units of the layer. */
  readonly bandAllUnits: number;
  readonly driftAllUnits: number;
  readonly curve: CovariateProbe[];
}

export interface CovariateShiftFinding extends Finding {
  readonly finalTestAccuracy: Record<Norm, number>;
  readonly driftAllUnits: Record<Norm, number>;
  readonly bandAllUnits: Record<Norm, number>;
}

const plan = (quick: boolean) => ({
  seeds: quick ? [1, 2] : [1, 2, 3],
  steps: quick ? 1000 : 10_000,
  probeEvery: quick ? 25 : 100,
  downsample: quick,
  train: quick ? 4000 : 8000,
  test: quick ? 500 : 2000,
});
const NORMS: readonly Norm[] = ['none', 'batch'];
/** Which hidden layer's sigmoid inputs are followed (the last, as in the paper). */
const ACTIVATION = 'act3';
const UNIT = 0;

/**
 * Ioffe & Szegedy (2015), Fig. 1: the 3×100 sigmoid MLP on MNIST, batch 60, with and without BN.
 * (a) test accuracy over training (running statistics); (b, c) the 15th, 50th and 85th
 * percentiles over test digits of the input to one sigmoid of the last hidden layer (BN: after
 * γ, β), read from the model's own layers with the digits' batch statistics, as in training.
 * Plain SGD at lr 0.5 for both (configs/bn-paper-mlp.json).
 */
export const covariateShift: Experiment<CovariateShiftRow, CovariateShiftFinding> = {
  name: 'covariate-shift',
  get title() {
    return msg(
      'Internal covariate shift in the BN paper’s MNIST MLP (Ioffe & Szegedy 2015, Fig. 1)',
    );
  },
  get question() {
    return msg(
      'Does BatchNorm make a network learn faster and keep the inputs of its layers steadier during training?',
    );
  },
  get answer() {
    return msg(
      'In the BN paper’s MNIST network, the version with BN reaches a higher test accuracy sooner, and the distribution of a last-layer sigmoid input moves far less over training than without BN.',
    );
  },
  get reference() {
    return msg(
      'Ioffe & Szegedy 2015, Fig. 1: with BN the network trains faster and the distribution of a last-layer sigmoid input stays stable; without BN it drifts.',
    );
  },
  seeds: (quick) => plan(quick).seeds,
  units(quick) {
    const p = plan(quick);
    return grid({ seed: p.seeds, norm: NORMS }).map(({ seed, norm }) => ({
      key: `${norm}/s${seed}`,
      cost: (p.steps * (norm === 'batch' ? 3 : 2) * (p.downsample ? 1 : 2)) / 1000,
      run: async (ctx) => {
        const cfg = config({
          seed,
          dataset: { name: 'mnist', train: p.train, test: p.test, downsample: p.downsample },
          model: { preset: 'bn-paper-mlp', norm },
          devices: 1,
          perDeviceBatch: 60,
          optimizer: { name: 'sgd', lr: 0.5 },
          steps: p.steps,
        });
        const data = await ctx.env.loadData(cfg);
        return [await trainAndProbe(cfg, new SingleDevice(cfg, data), p.probeEvery, ctx)];
      },
    }));
  },
  rowKey: (r) => `${r.norm}/s${r.seed}`,
  finding(rows) {
    const avg = (norm: Norm, f: (r: CovariateShiftRow) => number): number =>
      round(mean(rows.filter((r) => r.norm === norm).map(f)));
    const perNorm = (f: (r: CovariateShiftRow) => number): Record<Norm, number> => ({
      none: avg('none', f),
      batch: avg('batch', f),
    });
    const finalTestAccuracy = perNorm((r) => r.finalTestAccuracy);
    const driftAllUnits = perNorm((r) => r.driftAllUnits);
    const bandAllUnits = perNorm((r) => r.bandAllUnits);
    const drift = perNorm((r) => r.drift);
    const band = perNorm((r) => r.band);
    const accAt = (norm: Norm, fraction: number): number => {
      const curves = rows.filter((r) => r.norm === norm).map((r) => r.curve);
      return round(
        mean(
          // A row without probes (an edited results file) reads NaN, so the claim does not hold.
          curves.map(
            (c) =>
              c[Math.min(c.length - 1, Math.round(fraction * (c.length - 1)))]?.testAccuracy ??
              Number.NaN,
          ),
        ),
      );
    };
    const checks: Check[] = [
      {
        id: 'bn-trains-faster',
        claim: msg('a fifth of the way through training, the BN network’s test accuracy is higher'),
        holds: accAt('batch', 0.2) > accAt('none', 0.2),
        // Accuracy differences, like error rates, in the figure's percent and percentage points.
        measured: msg(
          str`A fifth of the way through training, ${comparePoints(msg('the test accuracy with BN'), accAt('batch', 0.2), msg('without BN'), accAt('none', 0.2))}.`,
        ),
        values: {
          withBnPercent: percentValue(accAt('batch', 0.2)),
          withoutBnPercent: percentValue(accAt('none', 0.2)),
        },
      },
      {
        id: 'bn-ends-higher',
        claim: msg('at the end, the BN network’s test accuracy is higher'),
        holds: finalTestAccuracy.batch > finalTestAccuracy.none,
        measured: msg(
          str`At the end, ${comparePoints(msg('the test accuracy with BN'), finalTestAccuracy.batch, msg('without BN'), finalTestAccuracy.none)}.`,
        ),
        values: {
          withBnPercent: percentValue(finalTestAccuracy.batch),
          withoutBnPercent: percentValue(finalTestAccuracy.none),
        },
      },
      {
        id: 'bn-inputs-drift-less',
        claim: msg(
          'with BN the sigmoid inputs’ percentiles move less over training (tracked unit, and averaged over all 100 units)',
        ),
        holds: drift.batch < drift.none && driftAllUnits.batch < driftAllUnits.none,
        measured: msg(
          str`The sigmoid input's percentiles move by ${num(drift.batch)} with BN and ${num(drift.none)} without over training (max − min, in the units of panels b and c, for the tracked unit); ${num(driftAllUnits.batch)} and ${num(driftAllUnits.none)} averaged over all 100 units.`,
        ),
        values: {
          withBn: drift.batch,
          withoutBn: drift.none,
          withBnAllUnits: driftAllUnits.batch,
          withoutBnAllUnits: driftAllUnits.none,
        },
      },
      {
        id: 'bn-band-narrower',
        claim: msg(
          'with BN the 15th–85th percentile band of the sigmoid inputs is narrower (tracked unit, and averaged over all units)',
        ),
        holds: band.batch < band.none && bandAllUnits.batch < bandAllUnits.none,
        measured: msg(
          str`The 15th–85th percentile band is ${num(band.batch)} wide with BN and ${num(band.none)} without (the tracked unit); ${num(bandAllUnits.batch)} and ${num(bandAllUnits.none)} averaged over all units.`,
        ),
        values: {
          withBn: band.batch,
          withoutBn: band.none,
          withBnAllUnits: bandAllUnits.batch,
          withoutBnAllUnits: bandAllUnits.none,
        },
      },
    ];
    return { finalTestAccuracy, driftAllUnits, bandAllUnits, checks };
  },
  figure(result) {
    const rows = result.rows;
    const label = (n: Norm): string => (n === 'batch' ? msg('with BN') : msg('without BN'));
    const percentileName = (k: number): string => msg(str`${k}th`);
    const steps = [...new Set(rows.flatMap((r) => r.curve.map((c) => c.step)))].sort(
      (a, b) => a - b,
    );
    const accuracy = NORMS.flatMap((norm) =>
      steps.map((step) => {
        const values = rows
          .filter((r) => r.norm === norm)
          .map((r) => r.curve.find((c) => c.step === step)?.testAccuracy)
          .filter((v): v is number => v !== undefined);
        const s = spread(values);
        // In percent, as the checks give it.
        const pct = (v: number): number => Math.round(1000 * v) / 10;
        return { series: label(norm), step, mean: pct(s.mean), min: pct(s.min), max: pct(s.max) };
      }),
    );
    const first = result.seeds.find((s) => rows.some((r) => r.seed === s));
    const percentiles = rows
      .filter((r) => r.seed === first)
      .flatMap((r) =>
        r.curve.flatMap((c) =>
          (['p15', 'p50', 'p85'] as const).map((k) => ({
            norm: r.norm,
            step: c.step,
            percentile: percentileName(Number(k.slice(1))),
            value: c[k],
          })),
        ),
      );
    const values = percentiles.map((p) => p.value);
    const yDomain = [Math.min(...values, -1), Math.max(...values, 1)];
    const accPanel: Panel = {
      title: { text: msg('(a) test accuracy'), fontSize: 12 },
      width: 300,
      height: 240,
      data: { values: accuracy },
      layer: [
        {
          mark: { type: 'errorband', opacity: 0.25 },
          encoding: {
            x: { field: 'step', type: 'quantitative', title: msg('training step') },
            y: {
              field: 'min',
              type: 'quantitative',
              title: msg('test accuracy (%)'),
              scale: { zero: false },
            },
            y2: { field: 'max' },
            color: {
              field: 'series',
              type: 'nominal',
              title: null,
              scale: { domain: [label('batch'), label('none')], range: [PALETTE[0], PALETTE[2]] },
            },
          },
        },
        {
          mark: { type: 'line' },
          encoding: {
            x: { field: 'step', type: 'quantitative' },
            y: { field: 'mean', type: 'quantitative' },
            color: { field: 'series', type: 'nominal', title: null },
          },
        },
      ],
    };
    const percentilePanel = (norm: Norm, heading: string): Panel => ({
      title: { text: heading, fontSize: 12 },
      width: 300,
      height: 240,
      data: { values: percentiles.filter((p) => p.norm === norm) },
      // A one-layer stack, so that Vega-Lite places the heading like panel (a)'s.
      layer: [
        {
          mark: { type: 'line' },
          encoding: {
            x: { field: 'step', type: 'quantitative', title: msg('training step') },
            y: {
              field: 'value',
              type: 'quantitative',
              title: msg(str`input to sigmoid ${UNIT} of layer 3`),
              scale: { domain: yDomain },
            },
            strokeDash: {
              field: 'percentile',
              type: 'nominal',
              title: msg('percentile'),
              sort: [85, 50, 15].map(percentileName),
            },
            color: { value: norm === 'batch' ? PALETTE[0] : PALETTE[2] },
          },
        },
      ],
    });
    return figure(
      {
        text: msg('BN paper’s MNIST MLP with and without BN (Ioffe & Szegedy 2015, Fig. 1)'),
        subtitle: [
          msg(
            str`3 × 100 sigmoid units, batch 60, SGD lr 0.5, MNIST ${result.quick ? msg('14×14 (quick)') : '28×28'}; accuracy: mean and range over ${result.seeds.length} seeds; percentiles over test digits, seed ${first}.`,
          ),
        ],
      },
      [
        accPanel,
        percentilePanel('none', msg('(b) without BN')),
        percentilePanel('batch', msg('(c) with BN')),
      ],
      { independentColors: true },
    );
  },
};

/** A small version of one unit: the Learn view's live Fig. 1 (one norm, one seed, few steps). */
export interface CovariateProbeOptions {
  readonly norm: Norm;
  readonly seed: number;
  readonly steps: number;
  readonly probeEvery: number;
  readonly lr: number;
  /** Training and probe digits (MNIST at 14×14). */
  readonly train: number;
  readonly test: number;
}

/** The experiment's network and probe at a size the page trains in seconds. */
export async function probeCovariateShift(
  options: CovariateProbeOptions,
  ctx: UnitContext,
): Promise<CovariateShiftRow> {
  const cfg = config({
    seed: options.seed,
    dataset: { name: 'mnist', train: options.train, test: options.test, downsample: true },
    model: { preset: 'bn-paper-mlp', norm: options.norm },
    devices: 1,
    perDeviceBatch: 60,
    optimizer: { name: 'sgd', lr: options.lr },
    steps: options.steps,
  });
  const data = await ctx.env.loadData(cfg);
  return trainAndProbe(cfg, new SingleDevice(cfg, data), options.probeEvery, ctx);
}

async function trainAndProbe(
  cfg: RunConfig,
  model: SingleDevice,
  probeEvery: number,
  ctx: { progress(f: number): void; shouldStop(): boolean },
): Promise<CovariateShiftRow> {
  const layers = model.device.model.layers;
  const act = layers.findIndex((l) => l.name === ACTIVATION);
  const input = act > 0 ? layers[act - 1]?.name : undefined;
  if (input === undefined) {
    throw new Error(`covariate-shift: the model has no layer before '${ACTIVATION}' to probe`);
  }
  const test = model.data.test;
  const probeIndices = Int32Array.from({ length: test.count }, (_, i) => i);
  const curve: CovariateProbe[] = [];
  const perUnit: { p15: number; p50: number; p85: number }[][] = [];
  const probe = (): void => {
    // Batch statistics of the probe digits, as during training: what the sigmoid sees while the
    // network learns (eval with running statistics would show their warm-up from (0, 1) instead).
    const out = model.layerOutput(input, test, probeIndices, 'eval-batch');
    const width = out.length / test.count;
    const units = Array.from({ length: width }, (_, u) => {
      const v = new Float64Array(test.count);
      for (let i = 0; i < test.count; i++) v[i] = out[i * width + u]!;
      return { p15: quantile(v, 0.15), p50: quantile(v, 0.5), p85: quantile(v, 0.85) };
    });
    perUnit.push(units);
    const u = units[UNIT];
    if (!u) throw new Error(`covariate-shift: '${input}' has ${width} units, no unit #${UNIT}`);
    curve.push({
      step: model.step,
      testAccuracy: round(model.evaluate().acc),
      p15: round(u.p15),
      p50: round(u.p50),
      p85: round(u.p85),
    });
  };
  probe();
  const pause = makeYielder();
  while (model.step < cfg.steps) {
    model.trainStep();
    if (model.step % probeEvery === 0 || model.step === cfg.steps) {
      probe();
      ctx.progress(model.step / cfg.steps);
    }
    await pause();
    if (ctx.shouldStop()) throw new StoppedError();
  }
  // probe() ran before the loop: perUnit and curve hold at least one entry, each of `width` units.
  const width = perUnit[0]!.length;
  const bandOf = (u: number): number => mean(perUnit.map((p) => p[u]!.p85 - p[u]!.p15));
  const driftOf = (u: number): number =>
    mean(
      (['p15', 'p50', 'p85'] as const).map((k) => {
        const series = perUnit.map((p) => p[u]![k]);
        return Math.max(...series) - Math.min(...series);
      }),
    );
  const all = Array.from({ length: width }, (_, u) => u);
  return {
    norm: cfg.model.norm as Norm,
    seed: cfg.seed,
    finalTestAccuracy: curve[curve.length - 1]!.testAccuracy,
    band: round(bandOf(UNIT)),
    drift: round(driftOf(UNIT)),
    bandAllUnits: round(mean(all.map(bandOf))),
    driftAllUnits: round(mean(all.map(driftOf))),
    curve,
  };
}
