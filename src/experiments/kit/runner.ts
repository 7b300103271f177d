import { errorMessage } from '../../core/error-message.ts';
import type { ExperimentEnv } from './env.ts';
import type { Experiment, ExperimentResult, ExperimentUnit, Finding } from './types.ts';
import { StoppedError } from './types.ts';

export interface PlanProgress {
  /** Units finished, including those restored from a previous session. */
  readonly done: number;
  readonly total: number;
  /** Cost-weighted fraction of the whole experiment, 0 to 1. */
  readonly fraction: number;
  readonly elapsedMs: number;
  /** Remaining time extrapolated from this session's pace; NaN until something finished. */
  readonly etaMs: number;
  readonly current: string | null;
}

export interface RunPlanOptions<Row extends object, F extends Finding> {
  readonly quick: boolean;
  readonly env: ExperimentEnv;
  /** Rows of an earlier, interrupted session of the same experiment and mode. */
  readonly previous?: Pick<ExperimentResult<Row, F>, 'rows' | 'elapsedMs'>;
  shouldStop?(): boolean;
  onProgress?(progress: PlanProgress): void;
  /** After every unit, with the result so far: the place to store partial results. */
  onUnitDone?(partial: ExperimentResult<Row, F>): Promise<void> | void;
  /** Wall clock (injected in tests). */
  now?(): number;
}

/**
 * Run an experiment's units in order, skipping those whose rows an earlier session already
 * stored, and assemble the result (rows in unit order, then the finding).
 */
export async function runPlan<Row extends object, F extends Finding>(
  experiment: Experiment<Row, F>,
  options: RunPlanOptions<Row, F>,
): Promise<ExperimentResult<Row, F>> {
  const now = options.now ?? (() => performance.now());
  const units = experiment.units(options.quick);
  checkUniqueKeys(units);
  const stored = new Map<string, Row[]>();
  for (const row of options.previous?.rows ?? []) {
    const key = experiment.rowKey(row);
    stored.set(key, [...(stored.get(key) ?? []), row]);
  }
  const totalCost = units.reduce((s, u) => s + u.cost, 0);
  let doneCost = units.filter((u) => stored.has(u.key)).reduce((s, u) => s + u.cost, 0);
  const startCost = doneCost;
  const started = now();
  const priorMs = options.previous?.elapsedMs ?? 0;

  const result = (): ExperimentResult<Row, F> => {
    const rows = units.flatMap((u) => stored.get(u.key) ?? []);
    return {
      name: experiment.name,
      quick: options.quick,
      seeds: experiment.seeds(options.quick),
      rows,
      finding: experiment.finding(rows),
      elapsedMs: Math.round(priorMs + now() - started),
      complete: units.every((u) => stored.has(u.key)),
    };
  };
  const report = (current: ExperimentUnit<Row> | null, within: number): void => {
    const doneNow = doneCost + (current ? within * current.cost : 0);
    const elapsed = now() - started;
    const pace = doneNow > startCost ? elapsed / (doneNow - startCost) : Number.NaN;
    options.onProgress?.({
      done: units.filter((u) => stored.has(u.key)).length,
      total: units.length,
      fraction: totalCost > 0 ? doneNow / totalCost : 1,
      elapsedMs: priorMs + elapsed,
      etaMs: pace * (totalCost - doneNow),
      current: current?.key ?? null,
    });
  };

  const shouldStop = (): boolean => options.shouldStop?.() ?? false;
  for (const unit of units) {
    if (stored.has(unit.key)) continue;
    if (shouldStop()) break;
    report(unit, 0);
    let rows: Row[];
    try {
      rows = await unit.run({
        env: options.env,
        progress: (f) => report(unit, Math.max(0, Math.min(1, f))),
        shouldStop,
      });
    } catch (err) {
      if (err instanceof StoppedError) break;
      throw new Error(`${experiment.name} ${unit.key}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    stored.set(unit.key, rows);
    doneCost += unit.cost;
    // Between units, let signals and I/O through even when every unit ran synchronously.
    await new Promise((r) => setTimeout(r, 0));
    report(null, 0);
    await options.onUnitDone?.(result());
  }
  return result();
}

function checkUniqueKeys(units: readonly ExperimentUnit<unknown>[]): void {
  const seen = new Set<string>();
  for (const u of units) {
    if (seen.has(u.key)) throw new Error(`duplicate experiment unit "${u.key}"`);
    seen.add(u.key);
  }
}
