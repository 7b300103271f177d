import { describe, expect, it } from 'vitest';
import { landscape } from '../../src/experiments/landscape.ts';
import { nonIid } from '../../src/experiments/non-iid.ts';
import type { Experiment, ExperimentUnit, Finding } from '../../src/experiments/kit/types.ts';
import { testEnv } from './helpers.ts';

async function runUnit<Row extends object>(
  experiment: Experiment<Row, Finding>,
  key: string,
): Promise<Row[]> {
  const unit = experiment.units(true).find((u: ExperimentUnit<Row>) => u.key === key);
  if (!unit) throw new Error(`no unit ${key}`);
  return unit.run({ env: testEnv(), progress: () => {}, shouldStop: () => false });
}

describe('experiments are deterministic: same seed, same rows', () => {
  it('a data-parallel configuration (label-sorted local BN, 8 devices)', async () => {
    const key = 'label-sorted/local-bn (rank0)/s1';
    expect(await runUnit(nonIid, key)).toEqual(await runUnit(nonIid, key));
  });

  it('a single-device probe run (landscape without BN)', async () => {
    expect(await runUnit(landscape, 'none/s1')).toEqual(await runUnit(landscape, 'none/s1'));
  });
});
