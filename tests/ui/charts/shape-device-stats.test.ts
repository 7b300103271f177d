import { describe, expect, it } from 'vitest';
import { shapeDeviceStats } from '../../../src/ui/charts/shape-device-stats.ts';
import { layerTelemetry } from './fixtures.ts';

describe('shapeDeviceStats', () => {
  it('picks [step][device][tracked channel] for each device, then global and running', () => {
    const layer = layerTelemetry([10, 20, 30], 3, 4);
    const shaped = shapeDeviceStats(layer, 3, 2, 'mean')!;
    expect(shaped.channel).toBe(4); // layer.channels[2]
    expect(shaped.data).toEqual([
      [10, 20, 30],
      [1002, 2002, 3002], // device 0, channel index 2
      [1012, 2012, 3012], // device 1
      [1022, 2022, 3022], // device 2
      [10002, 20002, 30002], // global
      [-10002, -20002, -30002], // running
    ]);
    expect(shaped.latest).toEqual({
      step: 30,
      devices: [3002, 3012, 3022],
      global: 30002,
      running: -30002,
      spread: 20,
    });
  });

  it('reads the variance columns for stat var', () => {
    const layer = layerTelemetry([1, 2], 2, 2);
    const shaped = shapeDeviceStats(layer, 2, 1, 'var')!;
    expect(shaped.data[1]).toEqual([2 * 101, 2 * 201]);
    expect(shaped.data[2]).toEqual([2 * 111, 2 * 211]);
    expect(shaped.data[3]).toEqual([2 * 1001, 2 * 2001]);
    expect(shaped.data[4]).toEqual([-2 * 1001, -2 * 2001]);
  });

  it('returns null for a channel index that is not tracked', () => {
    const layer = layerTelemetry([1], 2, 2);
    expect(shapeDeviceStats(layer, 2, 2, 'mean')).toBeNull();
    expect(shapeDeviceStats(layer, 2, -1, 'mean')).toBeNull();
    expect(shapeDeviceStats(layer, 2, 0.5, 'mean')).toBeNull();
  });

  it('leaves gaps for devices missing from sparse or null rows and NaN running stats', () => {
    const layer = layerTelemetry([1, 2], 3, 1);
    const sparse: number[][] = new Array(3);
    sparse[0] = [7];
    sparse[2] = [9];
    (layer.deviceMean as number[][][])[1] = sparse;
    (layer.runningMean as number[][])[1] = [Number.NaN];
    const shaped = shapeDeviceStats(layer, 3, 0, 'mean')!;
    expect(shaped.data[1]).toEqual([100, 7]);
    expect(shaped.data[2]).toEqual([110, null]);
    expect(shaped.data[3]).toEqual([120, 9]);
    expect(shaped.data[5]).toEqual([-1000, null]);
    expect(shaped.latest).toEqual({
      step: 2,
      devices: [7, null, 9],
      global: 2000,
      running: null,
      spread: 2,
    });
  });

  it('has no latest values before the first step', () => {
    const shaped = shapeDeviceStats(layerTelemetry([], 2, 2), 2, 0, 'mean')!;
    expect(shaped.data).toEqual([[], [], [], [], []]);
    expect(shaped.latest).toBeNull();
  });
});
