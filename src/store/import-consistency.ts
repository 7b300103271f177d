import { msg, str } from '@lit/localize';
import type { RunConfig } from '../config/schema.ts';
import type { ParsedRunExport } from './export-format.ts';

/** Steps of a series must rise strictly and stay within the run: `where` names the field. */
function stepProblems(steps: readonly number[], where: string, min: number, max: number): string[] {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step < min || step > max) {
      return [
        msg(
          str`${where}.${i}.step is ${step}, outside the run's steps ${min}–${max} (run.config.steps)`,
        ),
      ];
    }
    if (i > 0 && step <= steps[i - 1]!) {
      const before = steps[i - 1];
      return [
        step === before
          ? msg(
              str`${where}.${i}.step is ${step}, which repeats step ${before} of the row before (steps must rise)`,
            )
          : msg(
              str`${where}.${i}.step is ${step}, which comes after step ${before} of the row before (steps must rise)`,
            ),
      ];
    }
  }
  return [];
}

/**
 * What makes an export disagree with its own config: rows past the run's steps, steps repeated or
 * out of order, a summary beyond the run, telemetry of another device count, a checkpoint ahead
 * of the saved rows. Each problem names the field.
 */
export function metricsMismatches(file: ParsedRunExport, config: RunConfig): string[] {
  const { steps } = config;
  const { train, eval: evaluation, telemetry } = file.metrics;
  const problems = [
    ...stepProblems(
      train.map((r) => r.step),
      'metrics.train',
      1,
      steps,
    ),
    ...stepProblems(
      evaluation.map((r) => r.step),
      'metrics.eval',
      0,
      steps,
    ),
  ];
  if (telemetry) {
    problems.push(...stepProblems(telemetry.step, 'metrics.telemetry.step', 1, steps));
    for (const [layer, columns] of Object.entries(telemetry.bn)) {
      problems.push(...stepProblems(columns.step, `metrics.telemetry.bn.${layer}.step`, 1, steps));
    }
    if (telemetry.devices !== config.devices) {
      problems.push(
        msg(
          str`metrics.telemetry.devices is ${telemetry.devices} but run.config.devices is ${config.devices}`,
        ),
      );
    }
  }
  const { summary } = file.run;
  if (summary.steps !== steps) {
    problems.push(msg(str`run.summary.steps is ${summary.steps} but run.config.steps is ${steps}`));
  }
  if (summary.stepsDone > steps) {
    problems.push(
      msg(str`run.summary.stepsDone is ${summary.stepsDone}, past run.config.steps (${steps})`),
    );
  }
  const checkpoint = file.checkpoint;
  const lastTrained = train[train.length - 1]?.step ?? 0;
  if (checkpoint && checkpoint.step > steps) {
    problems.push(
      msg(
        str`checkpoint.step is ${checkpoint.step}, past the run's ${steps} steps (run.config.steps)`,
      ),
    );
  } else if (checkpoint && checkpoint.step > lastTrained) {
    problems.push(
      msg(
        str`checkpoint.step is ${checkpoint.step} but metrics.train ends at step ${lastTrained} (a checkpoint is saved with the rows before it)`,
      ),
    );
  }
  return problems;
}
