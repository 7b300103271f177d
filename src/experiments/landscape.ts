import { msg, str } from '@lit/localize';
import { num, quickMark } from './kit/words.ts';
import type { RunConfig } from '../config/schema.ts';
import { figure, type Panel, PALETTE } from './kit/figure.ts';
import { SingleDevice } from './kit/single-device.ts';
import { mean, round, spread } from './kit/stats.ts';
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

export interface LandscapeProbe {
  readonly step: number;
  /** Loss on the probe batch at the current weights. */
  readonly loss: number;
  /** max − min of the loss at w − η·g over the step sizes η. */
  readonly lossRange: number;
  /** max over η of ‖∇L(w − η·g) − ∇L(w)‖. */
  readonly gradChange: number;
  /** max over η of ‖∇L(w − η·g) − ∇L(w)‖ / ‖η·g‖: the effective β-smoothness. */
  readonly beta: number;
}

export interface LandscapeRow {
  readonly norm: Norm;
  readonly seed: number;
  readonly finalTestAccuracy: number;
  /** Means over the probes. */
  readonly lossRange: number;
  readonly gradChange: number;
  readonly beta: number;
  readonly maxBeta: number;
  readonly curve: LandscapeProbe[];
}

export interface LandscapeFinding extends Finding {
  readonly lossRange: Record<Norm, number>;
  readonly gradChange: Record<Norm, number>;
  readonly beta: Record<Norm, number>;
}

/** Santurkar et al. move along the gradient with step sizes in [0.05, 0.4]. */
export const STEP_SIZES = [0.05, 0.1, 0.2, 0.4] as const;
const NORMS: readonly Norm[] = ['none', 'batch'];

const plan = (quick: boolean) => ({
  seeds: quick ? [1, 2] : [1, 2, 3],
  steps: quick ? 300 : 3000,
  probeEvery: quick ? 25 : 100,
  train: quick ? 2000 : 8000,
});

/**
 * Santurkar et al. (2018), Fig. 4: at points along training, step from the current weights along
 * the gradient of the current batch by several step sizes and record how much the loss varies and
 * how much the gradient changes. A ReLU MLP 100-100-100 on MNIST 14×14, batch 64, plain SGD at
 * lr 0.1, with and without BN (training-mode BN: the loss the optimizer sees).
 */
export const landscape: Experiment<LandscapeRow, LandscapeFinding> = {
  name: 'landscape',
  get title() {
    return msg('Loss landscape along the gradient, with and without BN (Santurkar et al. 2018)');
  },
  get question() {
    return msg(
      'Does BatchNorm make the loss smoother along the direction gradient descent steps in?',
    );
  },
  get answer() {
    return msg(
      'Stepping along the gradient, the loss of the BN network varies far less and its gradient changes far less than without BN, the smoother landscape Santurkar et al. credit for BN’s speed-up.',
    );
  },
  get reference() {
    return msg(
      'Santurkar et al. 2018, Fig. 4: with BN the loss varies less along the gradient, the gradient changes less, and the effective β-smoothness is lower.',
    );
  },
  seeds: (quick) => plan(quick).seeds,
  units(quick) {
    const p = plan(quick);
    return grid({ seed: p.seeds, norm: NORMS }).map(({ seed, norm }) => ({
      key: `${norm}/s${seed}`,
      cost:
        (p.steps * (1 + (STEP_SIZES.length + 1) / p.probeEvery) * (norm === 'batch' ? 1.5 : 1)) /
        500,
      run: async (ctx) => {
        const cfg = config({
          seed,
          dataset: { name: 'mnist', train: p.train, test: 500, downsample: true },
          model: { preset: 'mlp', hidden: [100, 100, 100], activation: 'relu', norm },
          devices: 1,
          perDeviceBatch: 64,
          optimizer: { name: 'sgd', lr: 0.1 },
          steps: p.steps,
        });
        const data = await ctx.env.loadData(cfg);
        return [await trainAndProbe(cfg, new SingleDevice(cfg, data), p.probeEvery, ctx)];
      },
    }));
  },
  rowKey: (r) => `${r.norm}/s${r.seed}`,
  finding(rows) {
    const per = (f: (r: LandscapeRow) => number): Record<Norm, number> => ({
      none: round(mean(rows.filter((r) => r.norm === 'none').map(f))),
      batch: round(mean(rows.filter((r) => r.norm === 'batch').map(f))),
    });
    const lossRange = per((r) => r.lossRange);
    const gradChange = per((r) => r.gradChange);
    const beta = per((r) => r.beta);
    const maxBeta = per((r) => r.maxBeta);
    // Context only (not part of the check): β over the last third of the probes, after the
    // network without BN has left the flat start where all of its gradients are small.
    const lateBeta = per((r) =>
      mean(r.curve.slice(Math.floor((2 * r.curve.length) / 3)).map((c) => c.beta)),
    );
    const checks: Check[] = [
      {
        id: 'bn-loss-range-smaller',
        claim: msg('with BN the loss varies less along the gradient (mean range over the probes)'),
        holds: lossRange.batch < lossRange.none,
        measured: msg(
          str`Along the gradient, the loss varies by ${num(lossRange.batch)} with BN and ${num(lossRange.none)} without (panel a, mean over the probes).`,
        ),
        values: { withBn: lossRange.batch, withoutBn: lossRange.none },
      },
      {
        id: 'bn-gradient-changes-less',
        claim: msg(
          'with BN the gradient changes less along the gradient direction (mean ℓ2 change)',
        ),
        holds: gradChange.batch < gradChange.none,
        measured: msg(
          str`The gradient changes by ${num(gradChange.batch)} with BN and ${num(gradChange.none)} without (panel b, ℓ2 norm, mean over the probes).`,
        ),
        values: { withBn: gradChange.batch, withoutBn: gradChange.none },
      },
      {
        id: 'bn-beta-smaller',
        claim: msg(
          'with BN the effective β-smoothness is lower (mean over the probes, and its maximum)',
        ),
        holds: beta.batch < beta.none && maxBeta.batch < maxBeta.none,
        measured: msg(
          str`The effective β-smoothness (panel c) is ${num(beta.batch)} with BN and ${num(beta.none)} without on average over the probes; at most ${num(maxBeta.batch)} and ${num(maxBeta.none)}; over the last third of training ${num(lateBeta.batch)} and ${num(lateBeta.none)}.`,
        ),
        values: {
          withBn: beta.batch,
          withoutBn: beta.none,
          withBnMax: maxBeta.batch,
          withoutBnMax: maxBeta.none,
          withBnLastThird: lateBeta.batch,
          withoutBnLastThird: lateBeta.none,
        },
      },
    ];
    return { lossRange, gradChange, beta, checks };
  },
  figure(result) {
    const label = (n: Norm): string => (n === 'batch' ? msg('with BN') : msg('without BN'));
    const steps = [...new Set(result.rows.flatMap((r) => r.curve.map((c) => c.step)))].sort(
      (a, b) => a - b,
    );
    const points = (['lossRange', 'gradChange', 'beta'] as const).flatMap((metric) =>
      NORMS.flatMap((norm) =>
        steps.map((step) => {
          const values = result.rows
            .filter((r) => r.norm === norm)
            .map((r) => r.curve.find((c) => c.step === step)?.[metric])
            .filter((v): v is number => v !== undefined);
          const s = spread(values);
          return { metric, series: label(norm), step, mean: s.mean, min: s.min, max: s.max };
        }),
      ),
    );
    const color = {
      field: 'series',
      type: 'nominal',
      title: null,
      scale: { domain: [label('batch'), label('none')], range: [PALETTE[0], PALETTE[2]] },
    };
    const panel = (metric: string, heading: string, yTitle: string): Panel => ({
      title: { text: heading, fontSize: 12 },
      width: 280,
      height: 220,
      data: { values: points.filter((p) => p.metric === metric) },
      layer: [
        {
          mark: { type: 'errorband', opacity: 0.25 },
          encoding: {
            x: { field: 'step', type: 'quantitative', title: msg('training step') },
            y: { field: 'min', type: 'quantitative', title: yTitle },
            y2: { field: 'max' },
            color,
          },
        },
        {
          mark: { type: 'line', point: { size: 12 } },
          encoding: {
            x: { field: 'step', type: 'quantitative' },
            y: { field: 'mean', type: 'quantitative' },
            color,
          },
        },
      ],
    });
    return figure(
      {
        text: msg(
          'Along the gradient: loss variation, gradient change, β-smoothness (Santurkar et al. 2018, Fig. 4)',
        ),
        subtitle: [
          msg(
            str`ReLU MLP 100-100-100, MNIST 14×14, batch 64, SGD lr 0.1; steps η·g with η ∈ {${STEP_SIZES.join(', ')}} on the current batch; mean and range over ${result.seeds.length} seeds${quickMark(result.quick)}.`,
          ),
        ],
      },
      [
        panel('lossRange', msg('(a) loss landscape'), msg('loss range (max − min)')),
        panel('gradChange', msg('(b) gradient predictiveness'), 'max ‖∇L(w − ηg) − ∇L(w)‖'),
        panel('beta', msg('(c) effective β-smoothness'), 'max ‖Δ∇L‖ / ‖ηg‖'),
      ],
    );
  },
};

async function trainAndProbe(
  cfg: RunConfig,
  model: SingleDevice,
  probeEvery: number,
  ctx: UnitContext,
): Promise<LandscapeRow> {
  const d = model.device;
  const base = new Float32Array(d.paramCount);
  const params = new Float32Array(d.paramCount);
  const buffers = new Float32Array(d.bufferCount);
  const moved = new Float32Array(d.paramCount);
  const curve: LandscapeProbe[] = [];
  const probe = (): void => {
    // Measured on the batch the optimizer takes next, from weights and running statistics that
    // are restored afterwards (training-mode passes would otherwise update the running statistics).
    const batch = model.nextBatch();
    d.copyParams(params);
    d.copyBuffers(buffers);
    const at = model.gradients(batch);
    const loss = at.lossSum / at.count;
    d.copyGradients(base);
    const gNorm = norm2(base);
    const losses: number[] = [];
    let gradChange = 0;
    let beta = 0;
    for (const eta of STEP_SIZES) {
      for (let i = 0; i < params.length; i++) moved[i] = params[i]! - eta * base[i]!;
      d.loadParams(moved);
      d.loadBuffers(buffers);
      const r = model.gradients(batch);
      losses.push(r.lossSum / r.count);
      d.copyGradients(moved);
      let diff = 0;
      for (let i = 0; i < moved.length; i++) diff += (moved[i]! - base[i]!) ** 2;
      const change = Math.sqrt(diff);
      gradChange = Math.max(gradChange, change);
      beta = Math.max(beta, gNorm > 0 ? change / (eta * gNorm) : 0);
    }
    d.loadParams(params);
    d.loadBuffers(buffers);
    curve.push({
      step: model.step,
      loss: round(loss),
      lossRange: round(Math.max(...losses) - Math.min(...losses)),
      gradChange: round(gradChange),
      beta: round(beta),
    });
  };
  const pause = makeYielder();
  while (model.step < cfg.steps) {
    if (model.step % probeEvery === 0) {
      probe();
      ctx.progress(model.step / cfg.steps);
    }
    model.trainStep();
    await pause();
    if (ctx.shouldStop()) throw new StoppedError();
  }
  probe();
  const betas = curve.map((c) => c.beta);
  return {
    norm: cfg.model.norm as Norm,
    seed: cfg.seed,
    finalTestAccuracy: round(model.evaluate().acc),
    lossRange: round(mean(curve.map((c) => c.lossRange))),
    gradChange: round(mean(curve.map((c) => c.gradChange))),
    beta: round(mean(betas)),
    maxBeta: round(Math.max(...betas)),
    curve,
  };
}

function norm2(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}
