import { describe, expect, it } from 'vitest';
import { MessagePortCollective } from '../../src/collectives/message-port.ts';

// The inbox holds what peers sent; with no peer there is no entry, and the call still completes.
describe('message-port collective with a single worker', () => {
  it('gathers its own devices (nothing to receive from peers)', async () => {
    const c = new MessagePortCollective(0, [null], [[0, 1]], 1000);
    const a = new Float64Array([1]);
    const b = new Float64Array([2]);
    const all = await c.allGather(
      { kind: 'moments', layerIndex: 0, layer: 'bn1', step: 0 },
      new Map([
        [0, a],
        [1, b],
      ]),
    );
    expect(all.map((p) => p[0])).toEqual([1, 2]);
  });
});
