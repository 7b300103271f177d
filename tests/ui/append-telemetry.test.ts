import { describe, expect, it } from 'vitest';
import { sliceTelemetry } from '../../src/coordinator/telemetry-columns.ts';
import {
  appendTelemetry,
  telemetryAfter,
  telemetryUpTo,
} from '../../src/ui/model/append-telemetry.ts';
import { makeTelemetry } from './helpers.ts';

describe('appendTelemetry', () => {
  it('rebuilds the whole run from the slices its events carry', () => {
    const whole = makeTelemetry(0, 9);
    let acc = null;
    for (const [from, to] of [
      [0, 2],
      [2, 3],
      [3, 7],
      [7, 9],
    ] as const) {
      acc = appendTelemetry(acc, makeTelemetry(from, to));
    }
    expect(acc).toEqual(whole);
  });

  it('matches sliceTelemetry: prefix + slice(from) is the whole', () => {
    // The recorder gives every BN layer a row at every recorded step; sliceTelemetry relies on it.
    const whole = makeTelemetry(0, 8, 3, false);
    for (const from of [0, 1, 4, 7, 8]) {
      const prefix = telemetryUpTo(whole, from);
      expect(appendTelemetry(prefix, sliceTelemetry(whole, from))).toEqual(whole);
    }
  });

  it('never changes its inputs (a chart may hold them)', () => {
    const a = makeTelemetry(0, 3);
    const b = makeTelemetry(3, 5);
    const aCopy = structuredClone(a);
    const bCopy = structuredClone(b);
    const out = appendTelemetry(a, b);
    expect(a).toEqual(aCopy);
    expect(b).toEqual(bCopy);
    expect(out.step).not.toBe(a.step);
    expect(appendTelemetry(null, b).step).not.toBe(b.step);
  });

  it('adds a layer that appears only in a later slice, keeps layers a slice lacks', () => {
    const first = makeTelemetry(0, 1); // step 1: bn2 has no rows yet
    const firstNoBn2 = { ...first, bn: { bn1: first.bn.bn1! } };
    const out = appendTelemetry(firstNoBn2, makeTelemetry(1, 4));
    expect(out.bn.bn2!.step).toEqual([2, 4]);
    const noLayers = { ...makeTelemetry(4, 5), bn: {} };
    expect(appendTelemetry(out, noLayers).bn.bn1!.step).toEqual([1, 2, 3, 4]);
  });

  it('gives new arrays for every column, layers a slice lacks included (nothing shared to change)', () => {
    const a = makeTelemetry(0, 3);
    const noLayers = { ...makeTelemetry(3, 5), bn: {} };
    const out = appendTelemetry(a, noLayers);
    expect(out.bn.bn1).toEqual(a.bn.bn1);
    expect(out.bn.bn1).not.toBe(a.bn.bn1);
    expect(out.bn.bn1!.step).not.toBe(a.bn.bn1!.step);
    expect(out.bn.bn1!.deviceMean).not.toBe(a.bn.bn1!.deviceMean);
    expect(out.bn.bn1!.channels).not.toBe(a.bn.bn1!.channels);
    expect(out.deviceLoss).not.toBe(a.deviceLoss);
  });

  it('takes transport and sizes from the latest slice', () => {
    const out = appendTelemetry(makeTelemetry(0, 2), {
      ...makeTelemetry(2, 3),
      transport: 'message-port',
    });
    expect(out.transport).toBe('message-port');
  });
});

describe('telemetryUpTo / telemetryAfter', () => {
  it('split a run at a checkpoint step, per layer by its own steps', () => {
    const whole = makeTelemetry(0, 9);
    const before = telemetryUpTo(whole, 5);
    const after = telemetryAfter(whole, 5);
    expect(before.step).toEqual([1, 2, 3, 4, 5]);
    expect(before.bn.bn2!.step).toEqual([2, 4]);
    expect(after.step).toEqual([6, 7, 8, 9]);
    expect(after.bn.bn2!.deviceMean).toEqual(whole.bn.bn2!.deviceMean.slice(2));
    expect(appendTelemetry(before, after)).toEqual(whole);
  });
});
