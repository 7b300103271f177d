/**
 * A named experiment's own Web Worker: runPlan and the figure's rendering (Vega, to a PNG) happen
 * here, so the page's thread only draws the progress bar and shows the image. Training runs start
 * their device workers from here, as the coordinator worker does.
 */
import * as Comlink from 'comlink';
import { platformEnv } from '../../experiments/kit/env.ts';
import {
  type CovariateProbeOptions,
  type CovariateShiftRow,
  probeCovariateShift,
} from '../../experiments/covariate-shift.ts';
import { EXPERIMENTS } from '../../experiments/index.ts';
import type { FigureLocale } from '../../experiments/kit/figure-locale.ts';
import { ProgressPacer } from '../../experiments/kit/progress-pacer.ts';
import { type PlanProgress, runPlan } from '../../experiments/kit/runner.ts';
import type { ColorScheme } from '../../experiments/kit/theme.ts';
import type { ExperimentName, ExperimentResult } from '../../experiments/kit/types.ts';
import { MNIST_FILE } from './mnist.ts';
import { browserPlatform } from './platform.ts';
import { type FigureImage, renderFigure } from './render-figure.ts';
import { inLocale } from './worker-locale.ts';

export type { CovariateProbeOptions, CovariateShiftRow, PlanProgress };

export interface ExperimentRunOptions {
  readonly name: ExperimentName;
  readonly quick: boolean;
  /** Rows of an earlier, stopped session of the same experiment and mode (resume). */
  readonly previous?: Pick<ExperimentResult, 'rows' | 'elapsedMs'>;
  /** The page's colour scheme, which the figures are drawn for (a worker cannot query it). */
  readonly colorScheme?: ColorScheme;
  /** The page's language, which the figures and checks are written in (default: English). */
  readonly locale?: FigureLocale;
}

export interface ExperimentWorkerApi {
  /**
   * Run to the end or until stop(); `onUnitDone` receives the result so far (and its figure)
   * after every unit, and is awaited, so the page can store it before the next unit starts.
   */
  run(
    options: ExperimentRunOptions,
    onProgress: (progress: PlanProgress) => void,
    onUnitDone: (partial: ExperimentResult, figure: FigureImage | null) => Promise<void>,
  ): Promise<{ result: ExperimentResult; figure: FigureImage | null }>;
  /**
   * The covariate-shift experiment's probe for one small configuration (the Learn view's live
   * Fig. 1): the row, with `onProgress` (0 to 1) a few times a second. The page cancels it by
   * terminating the worker.
   */
  probeCovariateShift(
    options: CovariateProbeOptions,
    onProgress: (fraction: number) => void,
  ): Promise<CovariateShiftRow>;
  stop(): void;
  /** The page switched language: the figures drawn from now on (a running session's too) use it. */
  showLocale(locale: FigureLocale): Promise<void>;
  /** The figure of a stored result, as an image (null when it cannot be drawn). */
  figure(
    result: ExperimentResult,
    colorScheme?: ColorScheme,
    locale?: FigureLocale,
  ): Promise<FigureImage | null>;
}

const mnistUrl = new URL(`${import.meta.env.BASE_URL}${MNIST_FILE}`, self.location.origin).href;
let running = false;
/** The probe's progress reaches the page at most this often. */
const PROBE_PROGRESS_MS = 100;
/** The page's language now: the figures are written in it (sent with run, updated by showLocale). */
let pageLocale: FigureLocale | undefined;
let stopRequested = false;

async function figureOf(
  result: ExperimentResult,
  colorScheme: ColorScheme = 'light',
): Promise<FigureImage | null> {
  if (result.rows.length === 0) return null;
  try {
    const spec = await inLocale(pageLocale, () => EXPERIMENTS[result.name].figure(result));
    return await renderFigure(spec, colorScheme);
  } catch {
    // A partial result may lack what a panel needs; the next unit's figure will have it.
    return null;
  }
}

const api: ExperimentWorkerApi = {
  async run(options, onProgress, onUnitDone) {
    if (running) throw new Error('an experiment is already running in this worker');
    running = true;
    stopRequested = false;
    // Every training step reports; the page needs a few reports a second.
    const progress = new ProgressPacer(onProgress);
    try {
      pageLocale = options.locale;
      const result = await runPlan(EXPERIMENTS[options.name], {
        quick: options.quick,
        env: platformEnv(browserPlatform(mnistUrl)),
        previous: options.previous,
        shouldStop: () => stopRequested,
        onProgress: progress.report,
        onUnitDone: async (partial) =>
          onUnitDone(partial, await figureOf(partial, options.colorScheme)),
      });
      return { result, figure: await figureOf(result, options.colorScheme) };
    } finally {
      progress.flush();
      running = false;
    }
  },
  async probeCovariateShift(options, onProgress) {
    let last = 0;
    return probeCovariateShift(options, {
      env: platformEnv(browserPlatform(mnistUrl)),
      progress: (fraction) => {
        const now = Date.now();
        if (now - last < PROBE_PROGRESS_MS && fraction < 1) return;
        last = now;
        onProgress(fraction);
      },
      shouldStop: () => false,
    });
  },
  stop() {
    stopRequested = true;
  },
  async showLocale(locale) {
    pageLocale = locale;
  },
  async figure(result, colorScheme, locale) {
    pageLocale = locale;
    return figureOf(result, colorScheme);
  },
};

Comlink.expose(api);
