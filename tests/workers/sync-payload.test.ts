import { describe, expect, it } from 'vitest';
import {
  packMoments,
  packReductions,
  unpackMoments,
  unpackReductions,
} from '../../src/workers/sync-payload.ts';

describe('sync payloads from other devices are checked against their header', () => {
  const moments = {
    groups: 1,
    channels: 2,
    count: new Float64Array([4]),
    mean: new Float64Array([1, 2]),
    m2: new Float64Array([3, 4]),
  };

  it('round-trips, also from a longer shared-memory slot', () => {
    const packed = packMoments(moments);
    const slot = new Float64Array(packed.length + 5);
    slot.set(packed);
    const back = unpackMoments(slot);
    expect([...back.mean]).toEqual([1, 2]);
    expect([...back.m2]).toEqual([3, 4]);
  });

  it('a payload shorter than its header says is an error, not wrong statistics', () => {
    const packed = packMoments(moments);
    expect(() => unpackMoments(packed.subarray(0, packed.length - 1))).toThrow(
      'sync payload (moments): 6 values, its header [1, 2] needs 7',
    );
    expect(() => unpackMoments(new Float64Array(1))).toThrow(/1 values, its header/);
    const reductions = packReductions({
      groups: 1,
      channels: 2,
      sumDy: new Float64Array([1, 2]),
      sumDyXhat: new Float64Array([3, 4]),
    });
    expect(() => unpackReductions(reductions.subarray(0, 5))).toThrow(
      'sync payload (reductions): 5 values, its header [1, 2] needs 6',
    );
  });
});
