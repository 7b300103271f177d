import { msg, str } from '@lit/localize';
import type { Checkpoint } from '../workers/checkpoint.ts';
import { errorBarPanel, figure } from './kit/figure.ts';
import { mnistMlp } from './kit/setups.ts';
import { mean, round } from './kit/stats.ts';
import { meanTable, pointAt, summarize } from './kit/summary.ts';
import { config, trainRun } from './kit/training.ts';
import type { Check, Experiment, Finding, UnitContext } from './kit/types.ts';
import { grid } from './kit/grid.ts';
import {
  comparePoints,
  joined,
  percent,
  percentValue,
  pointsApart,
  quickMark,
  signedPoints,
} from './kit/words.ts';

export interface TestTimeRow {
  readonly perDeviceBatch: number;
  readonly seed: number;
  /** "EMA m=0.1", "PreciseBN", "batch stats" */
  readonly evaluation: string;
  readonly testError: number;
  /** Training error with batch statistics over the last tenth of the steps. */
  readonly trainError: number;
  /** testError − trainError. */
  readonly gap: number;
}

export interface TestTimeFinding extends Finding {
  /** Mean gap over seeds: evaluation → per-device batch → gap. */
  readonly gap: Record<string, Record<string, number>>;
  readonly testError: Record<string, Record<string, number>>;
}

const DEVICES = 8;
const PRECISE = 'PreciseBN';
const BATCH = 'batch stats';
const ema = (m: number): string => `EMA m=${m}`;

/** An evaluation's name as the figure's legend shows it (the rows keep the English). */
function shownEvaluation(evaluation: string): string {
  return evaluation === BATCH ? msg('batch stats') : evaluation;
}

/** "1.4 pp lower than EMA m=0.1's (−17.4 pp)": PreciseBN's gap against one EMA's. */
function gapVersus(precise: number, other: number, name: string): string {
  const apart = pointsApart(precise, other);
  const shown = signedPoints(other);
  return precise < other
    ? msg(str`${apart} lower than ${name}'s (${shown})`)
    : msg(str`${apart} higher than ${name}'s (${shown})`);
}

const plan = (quick: boolean) => ({
  batches: quick ? [32, 8, 4, 2] : [32, 16, 8, 4, 2],
  momenta: quick ? [0.1, 0.01] : [0.1, 0.03, 0.01],
  seeds: quick ? [1, 2] : [1, 2, 3],
  steps: quick ? 200 : 800,
});

/**
 * Wu & Johnson (2021): which statistics normalize at test time. Local BN on 8 devices; the
 * same trained weights are evaluated with the EMA running statistics (one training run per
 * momentum: the momentum changes only the running statistics, never the weights), with PreciseBN
 * (population statistics recomputed over 1024 training samples with frozen weights), and with
 * each test batch's own statistics at the training per-device batch. Running statistics are
 * averaged over the devices (runningStats "mean"), so both EMA and PreciseBN see every device.
 */
export const testTime: Experiment<TestTimeRow, TestTimeFinding> = {
  name: 'test-time',
  get title() {
    return msg('Test-time BN statistics: EMA vs PreciseBN vs batch statistics (Wu & Johnson 2021)');
  },
  get question() {
    return msg(
      'After training with small per-device batches, which statistics should BatchNorm use at test time?',
    );
  },
  get answer() {
    return msg(
      'At tiny batches the running averages (EMA) kept during training fit the final weights poorly, so statistics recomputed with the frozen weights (PreciseBN) give a lower test error; at large batches the two agree, and each test batch’s own statistics are no substitute.',
    );
  },
  get reference() {
    return msg(
      'Wu & Johnson 2021, Table 2: at normalization batch 2, EMA 35.5% vs PreciseBN 32.0% error (at 32: 23.7 vs 23.5); batch statistics at test time help only at tiny batches.',
    );
  },
  seeds: (quick) => plan(quick).seeds,
  units(quick) {
    const p = plan(quick);
    return grid({ seed: p.seeds, b: p.batches }).map(({ seed, b }) => ({
      key: `b${b}/s${seed}`,
      cost: (p.momenta.length * p.steps * (16 + b)) / 3000,
      run: (ctx) => runBatch(ctx, quick, b, seed),
    }));
  },
  rowKey: (r) => `b${r.perDeviceBatch}/s${r.seed}`,
  finding(rows) {
    const gapPoints = summarize(
      rows,
      (r) => r.evaluation,
      (r) => r.perDeviceBatch,
      (r) => r.gap,
    );
    const errPoints = summarize(
      rows,
      (r) => r.evaluation,
      (r) => r.perDeviceBatch,
      (r) => r.testError,
    );
    const batches = [...new Set(rows.map((r) => r.perDeviceBatch))];
    const small = Math.min(...batches);
    const large = Math.max(...batches);
    const emas = [...new Set(rows.map((r) => r.evaluation))].filter((e) => e.startsWith('EMA'));
    const gapAt = (e: string, b: number): number => pointAt(gapPoints, e, b);
    const errAt = (e: string, b: number): number => pointAt(errPoints, e, b);
    const emaGap = (b: number): number => round(mean(emas.map((e) => gapAt(e, b))));
    const emaErr = (b: number): number => round(mean(emas.map((e) => errAt(e, b))));
    const checks: Check[] = [
      {
        id: 'precise-gap-smaller-than-ema-at-smallest',
        claim: msg(
          str`at per-device batch ${small}, PreciseBN's test error, and so its gap to the shared training error, is below the EMA's (every momentum)`,
        ),
        holds: emas.length > 0 && emas.every((e) => gapAt(PRECISE, small) < gapAt(e, small)),
        measured: msg(
          str`At per-device batch ${small}, PreciseBN's train/test gap is ${signedPoints(gapAt(PRECISE, small))}: ${joined(emas.map((e) => gapVersus(gapAt(PRECISE, small), gapAt(e, small), e)))}.`,
        ),
        values: {
          precisePp: percentValue(gapAt(PRECISE, small)),
          ...Object.fromEntries(emas.map((e) => [`${e} pp`, percentValue(gapAt(e, small))])),
        },
      },
      {
        id: 'gap-grows-at-small-batch',
        claim: msg(
          str`the EMA's train/test gap is larger at per-device batch ${small} than at ${large}`,
        ),
        holds: emaGap(small) > emaGap(large),
        measured: msg(
          str`The EMA's train/test gap (mean over the momenta) is ${signedPoints(emaGap(small))} at per-device batch ${small} and ${signedPoints(emaGap(large))} at ${large}.`,
        ),
        values: {
          atSmallestPp: percentValue(emaGap(small)),
          atLargestPp: percentValue(emaGap(large)),
        },
      },
      {
        id: 'precise-close-to-ema-at-largest',
        claim: msg(
          str`at per-device batch ${large}, PreciseBN and EMA differ by less than 1 point of test error`,
        ),
        holds: Math.abs(errAt(PRECISE, large) - emaErr(large)) < 0.01,
        measured: msg(
          str`At per-device batch ${large}, ${comparePoints(msg("PreciseBN's test error"), errAt(PRECISE, large), msg("the EMA's"), emaErr(large))}, the EMA's taken as the mean over the momenta.`,
        ),
        values: {
          precisePercent: percentValue(errAt(PRECISE, large)),
          emaPercent: percentValue(emaErr(large)),
        },
      },
      {
        id: 'batch-stats-help-only-at-tiny-batch',
        claim: msg(
          str`test-time batch statistics beat the EMA at per-device batch ${small} but not at ${large}`,
        ),
        holds: errAt(BATCH, small) < emaErr(small) && errAt(BATCH, large) >= emaErr(large),
        measured: msg(
          str`With each test batch's own statistics the test error is ${percent(errAt(BATCH, small))} at per-device batch ${small} (EMA ${percent(emaErr(small))}) and ${percent(errAt(BATCH, large))} at ${large} (EMA ${percent(emaErr(large))}).`,
        ),
        values: {
          batchAtSmallestPercent: percentValue(errAt(BATCH, small)),
          emaAtSmallestPercent: percentValue(emaErr(small)),
          batchAtLargestPercent: percentValue(errAt(BATCH, large)),
          emaAtLargestPercent: percentValue(emaErr(large)),
        },
      },
    ];
    return { gap: meanTable(gapPoints), testError: meanTable(errPoints), checks };
  },
  figure(result) {
    // The rows name the evaluations in English (they are saved so); the figure shows them in the reader's.
    const order = [...new Set(result.rows.map((r) => r.evaluation))].map(shownEvaluation);
    const panel = (heading: string, y: (r: TestTimeRow) => number, yTitle: string) =>
      errorBarPanel({
        heading,
        points: summarize(
          result.rows,
          (r) => shownEvaluation(r.evaluation),
          (r) => r.perDeviceBatch,
          y,
        ),
        xTitle: msg('per-device batch (normalization batch)'),
        yTitle,
        seriesTitle: msg('test-time statistics'),
        xLog: true,
        xReverse: true,
        seriesOrder: order,
        // The EMAs and PreciseBN lie within a point of one another: drawn apart along x, with
        // their own dashes and markers, and compared directly in panel (c).
        dodge: true,
        width: 300,
      });
    // Panel (c): each evaluation's test error minus the first EMA's, same seed and batch.
    const baseline = order.find((e) => e.startsWith('EMA'));
    const baselineRows = result.rows.find((r) => r.evaluation.startsWith('EMA'))?.evaluation;
    const baselineError = new Map(
      result.rows
        .filter((r) => r.evaluation === baselineRows)
        .map((r) => [`${r.perDeviceBatch}/${r.seed}`, r.testError]),
    );
    const versusBaseline = (r: TestTimeRow): number =>
      100 * (r.testError - (baselineError.get(`${r.perDeviceBatch}/${r.seed}`) ?? Number.NaN));
    return figure(
      {
        text: msg('Which statistics normalize at test time (Wu & Johnson 2021)'),
        subtitle: [
          msg(
            str`Local BN on ${DEVICES} devices, MNIST 14×14 MLP 64-64; mean ± std over ${result.seeds.length} seeds${quickMark(result.quick)}.`,
          ),
          msg(
            'Gap: test error minus the training error with batch statistics over the last tenth of training; negative at',
          ),
          msg(
            'batch 2–4, where normalizing each feature over so few values misclassifies even the training batches.',
          ),
        ],
      },
      [
        panel(msg('(a) train/test gap'), (r) => 100 * r.gap, msg('test − train error (pp)')),
        panel(msg('(b) test error'), (r) => 100 * r.testError, msg('test error (%)')),
        panel(
          baseline
            ? msg(str`(c) test error minus ${baseline}'s`)
            : msg("(c) test error minus the EMA's"),
          versusBaseline,
          msg('difference (pp)'),
        ),
      ],
    );
  },
};

async function runBatch(
  ctx: UnitContext,
  quick: boolean,
  b: number,
  seed: number,
): Promise<TestTimeRow[]> {
  const p = plan(quick);
  const base = (momentum: number) =>
    mnistMlp(quick, {
      seed,
      perDeviceBatch: b,
      devices: DEVICES,
      steps: p.steps,
      runningStats: 'mean',
      model: { preset: 'mlp', hidden: [64, 64], norm: 'batch', normOptions: { momentum } },
    });
  const rows: TestTimeRow[] = [];
  let trainError = Number.NaN;
  let checkpoint: Checkpoint | null = null;
  for (const [i, momentum] of p.momenta.entries()) {
    const sub = {
      ...ctx,
      progress: (f: number) => ctx.progress((i + f) / (p.momenta.length + 0.5)),
    };
    const r = await trainRun(sub, config(base(momentum)), {
      onCheckpoint: (c) => {
        checkpoint = c;
      },
    });
    const tail = r.train.slice(-Math.max(1, Math.round(p.steps / 10)));
    // The weights do not depend on the momentum: every run gives the same training curve.
    trainError = round(1 - mean(tail.map((t) => t.acc)));
    rows.push(row(b, seed, ema(momentum), 1 - r.final.testAcc, trainError));
  }
  // The same final weights, evaluated with other statistics: resuming at the last step only evaluates.
  const final = checkpoint as Checkpoint | null;
  if (!final) throw new Error('the training run left no checkpoint');
  for (const [evaluation, evalMode] of [
    [PRECISE, 'precise'],
    [BATCH, 'batch'],
  ] as const) {
    const cfg = config({ ...base(p.momenta[0]!), evalMode, evalBatch: b });
    const r = await trainRun(ctx, cfg, { resumeFrom: final });
    rows.push(row(b, seed, evaluation, 1 - r.final.testAcc, trainError));
  }
  ctx.progress(1);
  return rows;
}

function row(
  perDeviceBatch: number,
  seed: number,
  evaluation: string,
  testError: number,
  trainError: number,
): TestTimeRow {
  return {
    perDeviceBatch,
    seed,
    evaluation,
    testError: round(testError),
    trainError: round(trainError),
    gap: round(testError - trainError),
  };
}
