import { describe, expect, it } from 'vitest';
import { pickLayer } from '../../../src/ui/charts/shape-common.ts';
import { shapeNoise } from '../../../src/ui/charts/shape-noise.ts';
import { layerTelemetry } from './fixtures.ts';

describe('shapeNoise', () => {
  it('makes one column per device from meanNoise[step][device]', () => {
    const shaped = shapeNoise(layerTelemetry([5, 6], 3, 1), 3, 'mean');
    expect(shaped.data).toEqual([
      [5, 6],
      [5, 6],
      [5.1, 6.1],
      [5.2, 6.2],
    ]);
    expect(shaped.latest?.step).toBe(6);
    expect(shaped.latest?.devices).toEqual([6, 6.1, 6.2]);
    expect(shaped.latest?.average).toBeCloseTo(6.1, 12);
  });

  it('reads varNoise for kind var', () => {
    expect(shapeNoise(layerTelemetry([5], 2, 1), 2, 'var').data).toEqual([[5], [-5], [-5.1]]);
  });
});

describe('pickLayer', () => {
  const bn = { conv1: 1, conv2: 2 };
  it('takes the named layer, the first one for an empty name, null for an unknown one', () => {
    expect(pickLayer(bn, 'conv2')).toEqual({ name: 'conv2', data: 2 });
    expect(pickLayer(bn, '')).toEqual({ name: 'conv1', data: 1 });
    expect(pickLayer(bn, 'toString')).toBeNull();
    expect(pickLayer({}, '')).toBeNull();
  });
});
