import { msg, str } from '@lit/localize';
import { errorBarPanel, figure } from './kit/figure.ts';
import { mnistMlp, type NormVariant, normVariantLabel, withNorm } from './kit/setups.ts';
import { round } from './kit/stats.ts';
import { meanTable, pointAt, summarize } from './kit/summary.ts';
import { config, trainRun } from './kit/training.ts';
import type { Check, Experiment, Finding } from './kit/types.ts';
import { grid } from './kit/grid.ts';
import { changeOf, comparePoints, percentValue, quickMark } from './kit/words.ts';

export interface BatchSizeRow {
  readonly norm: NormVariant;
  readonly perDeviceBatch: number;
  readonly seed: number;
  readonly testError: number;
  /** Mean training loss over the last tenth of the steps (batch statistics). */
  readonly finalTrainLoss: number;
}

export interface BatchSizeFinding extends Finding {
  /** Mean test error over seeds: norm → per-device batch → error. */
  readonly testError: Record<string, Record<string, number>>;
}

const NORMS: readonly NormVariant[] = ['local-bn', 'sync-bn', 'group', 'renorm', 'layer'];
const DEVICES = 8;

const plan = (quick: boolean) => ({
  batches: quick ? [32, 8, 4, 2] : [32, 16, 8, 4, 2],
  seeds: quick ? [1, 2] : [1, 2, 3],
  steps: quick ? 150 : 600,
});

/**
 * Wu & He (2018), Fig. 1: test error against the per-device batch on 8 devices. Unlike the paper
 * (fixed epochs, lr ∝ batch), every configuration takes the same steps at the same learning rate,
 * so at small batch every norm also sees fewer samples: GroupNorm's rise measures that cost, and
 * local BN's extra rise is the noise of its per-device statistics.
 */
export const batchSize: Experiment<BatchSizeRow, BatchSizeFinding> = {
  name: 'batch-size',
  get title() {
    return msg('Test error vs per-device batch (Wu & He 2018, Fig. 1)');
  },
  get question() {
    return msg(
      'What happens to the test error when each device normalizes over fewer and fewer samples?',
    );
  },
  get answer() {
    return msg(
      'With BatchNorm computed on each device alone the error climbs steeply as the per-device batch shrinks to 2, while SyncBN (statistics over all devices) and GroupNorm (no batch statistics) stay nearly flat.',
    );
  },
  get reference() {
    return msg(
      'Wu & He 2018 (Group Normalization), Fig. 1: BN error rises at small per-GPU batch, GN stays flat.',
    );
  },
  seeds: (quick) => plan(quick).seeds,
  units(quick) {
    const p = plan(quick);
    return grid({ seed: p.seeds, norm: NORMS, b: p.batches }).map(({ seed, norm, b }) => ({
      key: `${norm}/b${b}/s${seed}`,
      cost: (p.steps * (16 + b)) / 3000,
      run: async (ctx) => {
        const cfg = config(
          withNorm(
            mnistMlp(quick, { seed, perDeviceBatch: b, devices: DEVICES, steps: p.steps }),
            norm,
          ),
        );
        const r = await trainRun(ctx, cfg);
        const tail = r.train.slice(-Math.max(1, Math.round(p.steps / 10)));
        return [
          {
            norm,
            perDeviceBatch: b,
            seed,
            testError: round(1 - r.final.testAcc),
            finalTrainLoss: round(tail.reduce((s, t) => s + t.loss, 0) / tail.length),
          },
        ];
      },
    }));
  },
  rowKey: (r) => `${r.norm}/b${r.perDeviceBatch}/s${r.seed}`,
  finding(rows) {
    const points = summarize(
      rows,
      (r) => r.norm,
      (r) => r.perDeviceBatch,
      (r) => r.testError,
    );
    const batches = [...new Set(rows.map((r) => r.perDeviceBatch))];
    const small = Math.min(...batches);
    const large = Math.max(...batches);
    const err = (norm: NormVariant, b: number): number => pointAt(points, norm, b);
    // In the figure's units: percent, one decimal, and rises in percentage points.
    const pct = (norm: NormVariant, b: number): number => percentValue(err(norm, b));
    const rise = (norm: NormVariant): number =>
      round(percentValue(err(norm, small)) - percentValue(err(norm, large)));
    const testError = meanTable(points);
    const checks: Check[] = [
      {
        id: 'local-bn-worse-than-sync-at-smallest',
        claim: msg(str`at per-device batch ${small}, local BN's test error exceeds SyncBN's`),
        holds: err('local-bn', small) > err('sync-bn', small),
        measured: atBatch(
          small,
          comparePoints(
            msg("local BN's test error"),
            err('local-bn', small),
            msg("SyncBN's"),
            err('sync-bn', small),
          ),
        ),
        values: { localBnPercent: pct('local-bn', small), syncBnPercent: pct('sync-bn', small) },
      },
      {
        id: 'local-bn-rises-more-than-group',
        claim: msg(
          str`from batch ${large} to ${small}, local BN's error rises more than GroupNorm's`,
        ),
        holds: rise('local-bn') > rise('group'),
        measured: fromTo(
          large,
          small,
          msg("local BN's test error"),
          changeOf(err('local-bn', large), err('local-bn', small)),
          msg("GroupNorm's"),
          changeOf(err('group', large), err('group', small)),
        ),
        values: { localBnRisePp: rise('local-bn'), groupRisePp: rise('group') },
      },
      {
        id: 'renorm-better-than-local-bn-at-smallest',
        claim: msg(
          str`at per-device batch ${small}, Batch Renorm's error is below local BN's (Ioffe 2017)`,
        ),
        holds: err('renorm', small) < err('local-bn', small),
        measured: atBatch(
          small,
          comparePoints(
            msg("Batch Renorm's test error"),
            err('renorm', small),
            msg("local BN's"),
            err('local-bn', small),
          ),
        ),
        values: { renormPercent: pct('renorm', small), localBnPercent: pct('local-bn', small) },
      },
      {
        id: 'sync-bn-flatter-than-local-bn',
        claim: msg(str`SyncBN's error rises less than local BN's from batch ${large} to ${small}`),
        holds: rise('sync-bn') < rise('local-bn'),
        measured: fromTo(
          large,
          small,
          msg("SyncBN's test error"),
          changeOf(err('sync-bn', large), err('sync-bn', small)),
          msg("local BN's"),
          changeOf(err('local-bn', large), err('local-bn', small)),
        ),
        values: { syncBnRisePp: rise('sync-bn'), localBnRisePp: rise('local-bn') },
      },
      {
        id: 'layer-worse-than-bn-at-largest',
        claim: msg(
          str`at per-device batch ${large}, LayerNorm's error is above BN's (Wu & He: LN 25.3 vs BN 23.6)`,
        ),
        holds: err('layer', large) > err('local-bn', large),
        measured: atBatch(
          large,
          comparePoints(
            msg("LayerNorm's test error"),
            err('layer', large),
            msg("BN's"),
            err('local-bn', large),
          ),
        ),
        values: { layerPercent: pct('layer', large), localBnPercent: pct('local-bn', large) },
      },
    ];
    return { testError, checks };
  },
  figure(result) {
    return figure(
      {
        text: msg('Test error vs per-device batch (8 devices)'),
        subtitle: [
          msg(
            str`MNIST 14×14, MLP 64-64, same steps and learning rate for every batch; mean ± std over ${result.seeds.length} seeds${quickMark(result.quick)}.`,
          ),
          msg(
            'Wu & He 2018 (ResNet-50, ImageNet): BN 23.6 → 34.7% from batch 32 to 2, GN flat near 24%.',
          ),
        ],
      },
      [
        errorBarPanel({
          points: summarize(
            result.rows,
            (r) => normVariantLabel(r.norm),
            (r) => r.perDeviceBatch,
            (r) => 100 * r.testError,
          ),
          xTitle: msg('per-device batch'),
          yTitle: msg('test error (%)'),
          seriesTitle: msg('norm'),
          xLog: true,
          xReverse: true,
          seriesOrder: NORMS.map(normVariantLabel),
          // SyncBN, GroupNorm and BN at batch 32 lie within a point: drawn slightly apart.
          dodge: true,
        }),
      ],
    );
  },
};

/** "At per-device batch 2, <comparison>." */
function atBatch(b: number, comparison: string): string {
  return msg(str`At per-device batch ${b}, ${comparison}.`);
}

/** "From batch 32 to 2, A's test error rises by …; B's rises by …." */
function fromTo(
  large: number,
  small: number,
  first: string,
  firstChange: string,
  second: string,
  secondChange: string,
): string {
  return msg(
    str`From batch ${large} to ${small}, ${first} ${firstChange}; ${second} ${secondChange}.`,
  );
}
