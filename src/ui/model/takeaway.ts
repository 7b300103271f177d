import { msg, str } from '@lit/localize';
import type { BnLayerTelemetry, Telemetry } from '../../coordinator/telemetry-types.ts';
import { formatFixed, formatPercent } from './format.ts';

/**
 * The takeaway after a study: which run did better, by how much, and the reason its own
 * telemetry shows, in plain sentences. Pure: built from the finished runs' numbers only.
 */

/** What the takeaway needs of a finished run (a LiveRun fits). */
export interface TakeawayRun {
  readonly label: string;
  readonly config: {
    readonly bnSync: string;
    readonly perDeviceBatch: number | null;
    readonly globalBatch: number;
    readonly devices: number;
    readonly steps: number;
    readonly model: { readonly norm: string };
  };
  readonly final: { readonly testAcc: number; readonly testLoss: number } | null;
  readonly telemetry: Telemetry | null;
  /** Its training rows (accuracy on its own batches, as it trained), when known. */
  readonly train?: readonly { readonly acc: number }[];
}

export interface Takeaway {
  /** Who won and by how much (or that it is too close to call, or a single run's result). */
  readonly headline: string;
  /** Why, from the runs' telemetry; may be empty. */
  readonly reasons: readonly string[];
}

/**
 * Runs that differ by less than this (percentage points of test accuracy) are within what changing
 * only the seed moves a short run: too close to call.
 */
export const SEED_NOISE_PP = 1;

type Kind = 'local' | 'sync' | 'none' | 'other';

function kindOf(run: TakeawayRun): Kind {
  if (run.config.model.norm === 'none') return 'none';
  if (run.config.model.norm !== 'batch') return 'other';
  if (run.config.bnSync === 'local') return 'local';
  if (run.config.bnSync === 'sync') return 'sync';
  return 'other';
}

/** The first BN layer the run recorded (the one closest to the input), or null. */
function firstLayer(t: Telemetry | null): BnLayerTelemetry | null {
  if (!t) return null;
  const name = Object.keys(t.bn)[0];
  return name === undefined ? null : (t.bn[name] ?? null);
}

const mean = (xs: readonly number[]): number | null => {
  const ok = xs.filter((x) => Number.isFinite(x));
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : null;
};

/**
 * How far each device's batch mean sat from the global batch's, in σ of the global batch: the
 * mean over steps and devices of `meanNoise` (first BN layer). Null without telemetry.
 */
export function deviceNoise(t: Telemetry | null): number | null {
  const layer = firstLayer(t);
  if (!layer) return null;
  return mean(layer.meanNoise.map((perDevice) => mean(perDevice) ?? Number.NaN));
}

/**
 * How far device 0's running mean (what test time uses) ended from the global batch mean, in σ:
 * RMS over the tracked channels of (running − global) / √globalVar, the global statistics averaged
 * over the last quarter of the recorded steps so that one batch's noise does not dominate.
 */
export function runningMeanGap(t: Telemetry | null): number | null {
  const layer = firstLayer(t);
  const n = layer?.step.length ?? 0;
  if (!layer || n === 0) return null;
  const running = layer.runningMean[n - 1];
  if (!running) return null;
  const from = Math.max(0, n - Math.max(1, Math.ceil(n / 4)));
  const squares: number[] = [];
  running.forEach((r, c) => {
    const g = mean(layer.globalMean.slice(from).map((row) => row[c] ?? Number.NaN));
    const v = mean(layer.globalVar.slice(from).map((row) => row[c] ?? Number.NaN));
    if (g === null || v === null || !Number.isFinite(r)) return;
    squares.push((r - g) ** 2 / (v + 1e-5));
  });
  const ms = mean(squares);
  return ms === null ? null : Math.sqrt(ms);
}

/** Training rows the end-of-training accuracy averages over: the last tenth, at least 10. */
const LAST_ROWS_SHARE = 0.1;

/**
 * Accuracy on its own training batches at the end of training: the mean over the last tenth of
 * its rows (at least 10), as the batches' normalization had it. Null without rows.
 */
export function lastTrainAcc(run: TakeawayRun): { acc: number; steps: number } | null {
  const rows = run.train ?? [];
  const n = Math.min(rows.length, Math.max(10, Math.round(rows.length * LAST_ROWS_SHARE)));
  const acc = mean(rows.slice(rows.length - n).map((r) => r.acc));
  return acc === null ? null : { acc, steps: n };
}

/** Local BN's running mean is this many times further off than SyncBN's: a mismatch to name. */
const MISMATCH_RATIO = 1.5;
/** ...and at least this far (σ) off: below it neither running mean is meaningfully wrong. */
const MISMATCH_MIN_SIGMA = 0.1;
/** Training accuracy this far below SyncBN's (fraction) means local BN trained worse itself. */
const TRAINED_WORSE = 0.1;

const sigma = (x: number): string => `${formatFixed(x, 2)} σ`;
const points = (pp: number): string => {
  const shown = formatFixed(pp, 1);
  return pp.toFixed(1) === '1.0'
    ? msg(str`${shown} percentage point`)
    : msg(str`${shown} percentage points`);
};
/** Examples each device normalizes over (perDeviceBatch may be left to follow globalBatch). */
const perDevice = (r: TakeawayRun): number =>
  r.config.perDeviceBatch ?? Math.round(r.config.globalBatch / r.config.devices);
const accOf = (r: TakeawayRun): number => r.final?.testAcc ?? Number.NaN;

/** The takeaway of a study's finished runs; null when none has finished with a test result. */
export function takeaway(runs: readonly TakeawayRun[]): Takeaway | null {
  const done = runs.filter((r) => r.final && Number.isFinite(r.final.testAcc));
  if (done.length === 0) return null;
  if (done.length === 1) return single(done[0]!);
  const ranked = [...done].sort((a, b) => accOf(b) - accOf(a));
  const best = ranked[0]!;
  const second = ranked[1]!;
  const marginPp = (accOf(best) - accOf(second)) * 100;
  const close = marginPp < SEED_NOISE_PP;
  const bestLabel = best.label;
  const bestAcc = formatPercent(accOf(best));
  const secondLabel = second.label;
  const secondAcc = formatPercent(accOf(second));
  const margin = points(marginPp);
  const last = ranked[ranked.length - 1]!;
  const lastLabel = last.label;
  const lastAcc = formatPercent(accOf(last));
  const headline = close
    ? msg(
        str`Too close to call: “${bestLabel}” (${bestAcc}) and “${secondLabel}” (${secondAcc}) ended ${margin} apart, less than the ~${SEED_NOISE_PP} point that changing only the seed moves a short run. Compare a few seeds to tell them apart.`,
      )
    : ranked.length > 2
      ? msg(
          str`“${bestLabel}” did best: ${bestAcc} test accuracy, ${margin} ahead of “${secondLabel}” (${secondAcc}); “${lastLabel}” was last (${lastAcc}).`,
        )
      : msg(
          str`“${bestLabel}” did best: ${bestAcc} test accuracy, ${margin} ahead of “${secondLabel}” (${secondAcc}).`,
        );
  return { headline, reasons: reasons(done, close ? null : best) };
}

function single(r: TakeawayRun): Takeaway {
  return {
    headline: msg(
      str`“${r.label}” reached ${formatPercent(accOf(r))} test accuracy (test loss ${formatFixed(r.final!.testLoss, 3)}) after ${r.config.steps} steps. Nothing to compare it with: add a compared setting to see what changes it.`,
    ),
    reasons: [],
  };
}

/**
 * How local BN trained against SyncBN, from their own training accuracy: at 2 examples per device
 * the reason is arithmetic (two values normalized by their own mean and variance are −1 and +1,
 * whatever they were, so BN passes almost no gradient back); otherwise named only when local BN
 * trained clearly worse. Null when there is nothing to say.
 */
function trainedReason(local: TakeawayRun, sync: TakeawayRun): string | null {
  const l = lastTrainAcc(local);
  const s = lastTrainAcc(sync);
  if (!l || !s) return null;
  const localAcc = formatPercent(l.acc);
  const syncAcc = formatPercent(s.acc);
  const steps = l.steps;
  if (perDevice(local) === 2) {
    return msg(
      str`With 2 examples per device, normalizing them by their own mean and variance turns every value into (almost exactly) −1 or +1, whatever its size, so almost no gradient gets back through local BN to the layers before it. Local BN hardly learned: on its own training batches it reached ${localAcc} accuracy over the last ${steps} steps, against SyncBN’s ${syncAcc}.`,
    );
  }
  if (s.acc - l.acc < TRAINED_WORSE) return null;
  return msg(
    str`Local BN also trained worse, not only tested worse: on its own training batches it reached ${localAcc} accuracy over the last ${steps} steps, against SyncBN’s ${syncAcc}.`,
  );
}

/** Why, from the telemetry of the local-BN, SyncBN and no-normalization runs among `runs`. */
function reasons(runs: readonly TakeawayRun[], winner: TakeawayRun | null): string[] {
  const out: string[] = [];
  const local = runs.find((r) => kindOf(r) === 'local');
  const sync = runs.find((r) => kindOf(r) === 'sync');
  const none = runs.find((r) => kindOf(r) === 'none');
  const localNoise = local ? deviceNoise(local.telemetry) : null;
  if (local && localNoise !== null) {
    const examples = perDevice(local);
    const off = sigma(localNoise);
    out.push(
      msg(
        str`Under local BN each device normalized with its own ${examples} examples: their mean sat on average ${off} from the global batch’s (first BN layer, over devices and steps), so every step trained on noisy statistics.`,
      ),
    );
  }
  if (sync) {
    const own = deviceNoise(sync.telemetry);
    const global = sync.config.globalBatch;
    out.push(
      own !== null
        ? msg(
            str`SyncBN normalized every device with the statistics of all ${global} examples of the step, so that noise was 0 (its devices’ own slices were ${sigma(own)} off).`,
          )
        : msg(
            str`SyncBN normalized every device with the statistics of all ${global} examples of the step, so that noise was 0.`,
          ),
    );
  }
  const trained = local && sync ? trainedReason(local, sync) : null;
  if (trained) out.push(trained);
  const localGap = local ? runningMeanGap(local.telemetry) : null;
  const syncGap = sync ? runningMeanGap(sync.telemetry) : null;
  if (localGap !== null) {
    const mismatch =
      syncGap === null || (localGap >= MISMATCH_MIN_SIGMA && localGap > MISMATCH_RATIO * syncGap);
    out.push(gapSentence(sigma(localGap), syncGap === null ? null : sigma(syncGap), mismatch));
  }
  if (none && local && winner === none) {
    const examples = perDevice(local);
    out.push(
      localNoise !== null
        ? msg(
            str`Without normalization there are no batch statistics to get wrong. At ${examples} examples per device, local BN’s statistics were too noisy to help (${sigma(localNoise)} off on average), so the plain network did better.`,
          )
        : msg(
            str`Without normalization there are no batch statistics to get wrong. At ${examples} examples per device, local BN’s statistics were too noisy to help, so the plain network did better.`,
          ),
    );
  } else if (none && local && winner === local) {
    out.push(
      msg(
        'Local BN helped despite its noisy statistics: normalized layers let the same learning rate train faster.',
      ),
    );
  }
  return out;
}

/** Local BN's running-mean gap, with SyncBN's when known: one whole sentence per case. */
function gapSentence(local: string, sync: string | null, mismatch: boolean): string {
  if (sync === null) {
    return mismatch
      ? msg(
          str`Local BN’s running mean, which the test uses, ended ${local} from the global batch mean: that is the train/test mismatch.`,
        )
      : msg(
          str`Local BN’s running mean, which the test uses, ended ${local} from the global batch mean, about the same: the gap is not a train/test mismatch of the mean.`,
        );
  }
  return mismatch
    ? msg(
        str`Local BN’s running mean, which the test uses, ended ${local} from the global batch mean (SyncBN’s: ${sync}): that is the train/test mismatch.`,
      )
    : msg(
        str`Local BN’s running mean, which the test uses, ended ${local} from the global batch mean (SyncBN’s: ${sync}), about the same: the gap is not a train/test mismatch of the mean.`,
      );
}
