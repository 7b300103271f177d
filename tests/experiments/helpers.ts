import { expect } from 'vitest';
import { nodePlatform } from '../../src/platform/node/platform.ts';
import { type ExperimentEnv, platformEnv } from '../../src/experiments/kit/env.ts';
import { renderSvg } from '../../src/experiments/kit/render-svg.ts';
import { runPlan } from '../../src/experiments/kit/runner.ts';
import type {
  Check,
  Experiment,
  ExperimentResult,
  Finding,
} from '../../src/experiments/kit/types.ts';

/** In-process devices: the numbers equal a worker run's (tested elsewhere), without the threads. */
export function testEnv(): ExperimentEnv {
  return platformEnv(nodePlatform({ host: 'in-process' }));
}

/** The experiment's quick version, start to finish, with its fixed seeds. */
export async function runQuick<Row extends object, F extends Finding>(
  experiment: Experiment<Row, F>,
): Promise<ExperimentResult<Row, F>> {
  const result = await runPlan(experiment, { quick: true, env: testEnv() });
  expect(result.complete).toBe(true);
  return result;
}

export function check(result: ExperimentResult, id: string): Check {
  const c = result.finding.checks.find((x) => x.id === id);
  if (!c)
    throw new Error(`no check "${id}" in ${result.finding.checks.map((x) => x.id).join(', ')}`);
  return c;
}

/** A check that must hold, failing with its claim and numbers so the log says what went wrong. */
export function expectHolds(result: ExperimentResult, id: string): void {
  const c = check(result, id);
  expect(c.holds, `${c.claim}: ${JSON.stringify(c.values)}`).toBe(true);
}

/** The figure renders to an SVG that carries its title. */
export async function expectFigure(
  experiment: Experiment<object, Finding>,
  result: ExperimentResult,
  titleFragment: string,
): Promise<void> {
  const svg = await renderSvg(experiment.figure(result));
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg).toContain(titleFragment);
}
