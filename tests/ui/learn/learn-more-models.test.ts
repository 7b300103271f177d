import { describe, expect, it } from 'vitest';
import {
  averagedAxes,
  cellsPerStatistic,
  sharedCells,
} from '../../../src/ui/learn/model/norm-axes.ts';
import {
  DEVICE_CHOICES,
  GLOBAL_BATCH,
  makeGlobalBatch,
  splitOverDevices,
} from '../../../src/ui/learn/model/device-split.ts';
import { COMPARED_NORMS, comparisonConfig } from '../../../src/ui/learn/model/small-batch-norms.ts';

describe('step 6: which values each norm averages over', () => {
  const shape = { n: 4, c: 6, groups: 2 };

  it('names the axes: BN over N, H, W; LN over C, H, W; IN over H, W; GN over C (in its group), H, W', () => {
    expect(averagedAxes('batch')).toEqual(['N', 'H', 'W']);
    expect(averagedAxes('layer')).toEqual(['C', 'H', 'W']);
    expect(averagedAxes('instance')).toEqual(['H', 'W']);
    expect(averagedAxes('group')).toEqual(['C', 'H', 'W']);
  });

  it('BN shares a channel across the samples; LN a sample across the channels', () => {
    const bn = sharedCells('batch', shape, 1, 2);
    const ln = sharedCells('layer', shape, 1, 2);
    for (let n = 0; n < shape.n; n++) {
      for (let c = 0; c < shape.c; c++) {
        expect(bn[n]![c]).toBe(c === 2);
        expect(ln[n]![c]).toBe(n === 1);
      }
    }
    expect(cellsPerStatistic('batch', shape)).toBe(shape.n);
    expect(cellsPerStatistic('layer', shape)).toBe(shape.c);
  });

  it('IN is one cell; GN is the channels of one group of one sample', () => {
    expect(cellsPerStatistic('instance', shape)).toBe(1);
    expect(sharedCells('instance', shape, 3, 5)[3]![5]).toBe(true);
    const gn = sharedCells('group', shape, 2, 4);
    expect(gn[2]).toEqual([false, false, false, true, true, true]);
    expect(gn.flat().filter((x) => x)).toHaveLength(3);
  });

  it('refuses groups that do not divide the channels, naming both', () => {
    expect(() => sharedCells('group', { n: 2, c: 6, groups: 4 }, 0, 0)).toThrow(
      /groups \(4\) must divide the channels \(6\)/,
    );
  });

  it('compares the four norms at 8 devices × 2 with local statistics, each a valid run', () => {
    for (const norm of COMPARED_NORMS) {
      const c = comparisonConfig(norm);
      expect(c.model.norm).toBe(norm);
      expect([c.devices, c.perDeviceBatch, c.bnSync]).toEqual([8, 2, 'local']);
    }
  });
});

describe('step 7: a batch split over devices, local vs global means', () => {
  const batch = makeGlobalBatch(1);
  const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;

  it('each device’s own mean is the mean of its consecutive slice', () => {
    for (const k of DEVICE_CHOICES) {
      const split = splitOverDevices(batch, k);
      expect(split.devices).toHaveLength(k);
      const per = GLOBAL_BATCH / k;
      split.devices.forEach((d, i) => {
        expect(Array.from(d.values)).toEqual(Array.from(batch.slice(i * per, (i + 1) * per)));
        expect(d.mean).toBeCloseTo(mean(d.values), 12);
      });
    }
  });

  it('the merged (SyncBN) mean and variance are the whole batch’s, whatever K', () => {
    const m = mean(batch);
    const v = mean(Array.from(batch, (x) => (x - m) ** 2));
    for (const k of DEVICE_CHOICES) {
      const split = splitOverDevices(batch, k);
      expect(split.globalMean).toBeCloseTo(m, 12);
      expect(split.globalVariance).toBeCloseTo(v, 12);
    }
  });

  it('one device: local BN is SyncBN; more devices: the own means scatter around the global one', () => {
    const one = splitOverDevices(batch, 1);
    expect(one.devices[0]!.mean).toBeCloseTo(one.globalMean, 12);
    const spread = (k: number) => {
      const s = splitOverDevices(batch, k);
      return Math.max(...s.devices.map((d) => Math.abs(d.mean - s.globalMean)));
    };
    expect(spread(8)).toBeGreaterThan(spread(2));
    expect(spread(2)).toBeGreaterThan(0);
  });

  it('refuses a device count that does not divide the batch', () => {
    expect(() => splitOverDevices(batch, 3)).toThrow(/divides the batch of 16, got 3/);
  });
});
