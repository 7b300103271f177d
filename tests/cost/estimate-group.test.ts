import { describe, expect, it } from 'vitest';
import {
  architecture,
  type CostSetting,
  estimateCost,
  estimateGroup,
  fabricOf,
  scalingRow,
} from '../../src/cost/index.ts';

/*
 * The two entries the app's cost panel adds (issue #14): one BN mode at K for any group size, and
 * one row of the scaling table. Each must equal what estimateCost gives for the same setting.
 */
const setting: CostSetting = {
  model: architecture('resnet50'),
  gpus: 64,
  gpusPerNode: 8,
  batchPerGpu: 4,
  fabric: fabricOf('nvlink3', 'ib-ndr'),
  compute: { computeMs: 20 },
};

describe('estimateGroup', () => {
  const full = estimateCost(setting);
  it('group 1 is local BN, K is SyncBN, a power of two is group:g, as estimateCost has them', () => {
    for (const [group, mode] of [
      [1, 'local'],
      [64, 'sync'],
      [8, 'group:8'],
      [32, 'group:32'],
    ] as const) {
      const one = estimateGroup(setting, group);
      const listed = full.modes.find((m) => m.mode === mode)!;
      expect(one.mode).toBe(mode);
      expect(one).toEqual(listed);
    }
  });

  it('costs a group size estimateCost does not list (g = 24: three nodes), between its neighbours', () => {
    const g24 = estimateGroup({ ...setting, gpus: 48 }, 24);
    const at48 = estimateCost({ ...setting, gpus: 48 });
    expect(g24.mode).toBe('group:24');
    expect(g24.times.stepMs).toBeGreaterThan(at48.stepMs['group:16']!);
    expect(g24.times.stepMs).toBeLessThan(at48.stepMs.sync!);
    expect(g24.overheadMs).toBeCloseTo(g24.times.stepMs - at48.stepMs.local!, 9);
  });

  it('a group outside 1…K is refused by name, like every bad field', () => {
    expect(() => estimateGroup(setting, 128)).toThrow(
      /group must be a whole number from 1 to gpus \(64\), got 128/,
    );
    expect(() => estimateGroup({ ...setting, gpus: 0 }, 1)).toThrow(/gpus must be a whole number/);
  });
});

describe('scalingRow', () => {
  it('is the scaling table of estimateCost, one K at a time', () => {
    const full = estimateCost(setting);
    for (const row of full.scaling) expect(scalingRow(setting, row.gpus)).toEqual(row);
  });
});
