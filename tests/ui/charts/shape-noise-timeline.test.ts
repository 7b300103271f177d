import { describe, expect, it } from 'vitest';
import { pickLayer } from '../../../src/ui/charts/shape-common.ts';
import { shapeNoise } from '../../../src/ui/charts/shape-noise.ts';
import { shapeTimeline } from '../../../src/ui/charts/shape-timeline.ts';
import { layerTelemetry, telemetry } from './fixtures.ts';

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

describe('shapeTimeline', () => {
  it('averages compute and wait over the last steps and stacks wait on compute', () => {
    // compute = step + device, wait = step / 2; last 2 of steps 1..4 are 3 and 4.
    const shaped = shapeTimeline(telemetry(2, [1, 2, 3, 4]), 2);
    expect(shaped.data).toEqual([
      [0, 1],
      [3.5, 4.5],
      [3.5 + 1.75, 4.5 + 1.75],
    ]);
    expect(shaped.devices[1]).toEqual({ compute: 4.5, wait: 1.75, waitShare: 1.75 / 6.25 });
    expect(shaped.stepsAveraged).toBe(2);
    expect([shaped.firstStep, shaped.lastStep]).toEqual([3, 4]);
    expect(shaped.collectiveCalls).toBe(6);
    expect(shaped.bytes).toBe(4000);
    expect(shaped.meanBytes).toBe(3500);
    expect(shaped.meanCollectiveCalls).toBe(6);
  });

  it('uses every step when fewer than the window exist', () => {
    const shaped = shapeTimeline(telemetry(1, [1, 2]), 50);
    expect(shaped.stepsAveraged).toBe(2);
    expect(shaped.data[1]).toEqual([1.5]); // mean of steps 1 and 2 (compute = step + device)
  });

  it('reports nothing rather than zeros before the first step', () => {
    const shaped = shapeTimeline(telemetry(2, []), 10);
    expect(shaped.data).toEqual([
      [0, 1],
      [null, null],
      [null, null],
    ]);
    expect(shaped.devices[0]).toEqual({ compute: null, wait: null, waitShare: null });
    expect([shaped.collectiveCalls, shaped.bytes, shaped.meanBytes, shaped.firstStep]).toEqual([
      null,
      null,
      null,
      null,
    ]);
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
