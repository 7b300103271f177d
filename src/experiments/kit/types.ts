import type { Spec as VegaSpec } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import type { ExperimentEnv } from './env.ts';

export const EXPERIMENT_NAMES = [
  'batch-size',
  'stat-noise',
  'error-surface',
  'covariate-shift',
  'test-time',
  'landscape',
  'non-iid',
] as const;
export type ExperimentName = (typeof EXPERIMENT_NAMES)[number];

/** One qualitative claim from the literature, whether it held in this run, and the numbers behind it. */
export interface Check {
  readonly id: string;
  readonly claim: string;
  readonly holds: boolean;
  /**
   * What was measured, in words and in the units of the figure (percentage points for error
   * rates, rounded as the figure's axis reads), e.g. "PreciseBN's test error is 0.7 pp lower than
   * the EMA's at batch 2". Absent in results saved before it existed.
   */
  readonly measured?: string;
  /** The same numbers, keyed for the JSON (in the figure's units too). */
  readonly values: Record<string, number>;
}

export interface Finding {
  readonly checks: Check[];
}

/** What `<dir>/<name>.json` holds: one row per configuration and seed, and the checks. */
export interface ExperimentResult<Row = object, F extends Finding = Finding> {
  readonly name: ExperimentName;
  readonly quick: boolean;
  readonly seeds: number[];
  readonly rows: Row[];
  readonly finding: F;
  /** Wall time spent computing the rows, summed over resumed sessions. */
  readonly elapsedMs: number;
  /** False while configurations are missing (stopped before the end). */
  readonly complete: boolean;
}

/** What a unit of work sees while it runs. */
export interface UnitContext {
  readonly env: ExperimentEnv;
  /** This unit's own progress, 0 to 1 (drives the progress bar and its ETA). */
  progress(fraction: number): void;
  /** True once the user asked to stop: a unit returns early by throwing StoppedError. */
  shouldStop(): boolean;
}

/**
 * One configuration (and seed) of an experiment: its rows are computed together and stored
 * together, so a resumed run skips the units whose key already appears among the stored rows.
 */
export interface ExperimentUnit<Row> {
  readonly key: string;
  /** Relative cost, for the ETA (a unit of 1 ≈ the cheapest training run). */
  readonly cost: number;
  run(ctx: UnitContext): Promise<Row[]>;
}

export interface Experiment<Row extends object, F extends Finding = Finding> {
  readonly name: ExperimentName;
  readonly title: string;
  /** The question the experiment asks, in plain words (shown first). */
  readonly question: string;
  /** The answer in one sentence: what the literature found and what the figure shows. */
  readonly answer: string;
  /** The paper and figure reproduced, in a sentence. */
  readonly reference: string;
  seeds(quick: boolean): number[];
  units(quick: boolean): ExperimentUnit<Row>[];
  /** The key of the unit that produced `row`. */
  rowKey(row: Row): string;
  finding(rows: readonly Row[]): F;
  /** A Vega-Lite spec, or a Vega spec where Vega-Lite lacks the mark (contours). */
  figure(result: ExperimentResult<Row, F>): FigureSpec;
}

export type FigureSpec = TopLevelSpec | VegaSpec;

/** Thrown by a unit that noticed a stop request; its partial rows are discarded. */
export class StoppedError extends Error {
  override readonly name = 'StoppedError';
  constructor() {
    super('stopped');
  }
}
