import { describe, expect, it } from 'vitest';
import { bnSpans, groupSize } from '../../src/workers/bn-span.ts';

describe('bn-span: which devices a BN merge spans', () => {
  it('reads local, sync and group:g (a group larger than the devices spans them all)', () => {
    expect(groupSize('local', 8)).toBe(1);
    expect(groupSize('sync', 8)).toBe(8);
    expect(groupSize('group:3', 8)).toBe(3);
    expect(groupSize('group:16', 8)).toBe(8);
    expect(bnSpans('group:3', 5).spanOf).toEqual([
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
      [3, 4],
      [3, 4],
    ]);
  });

  it('refuses anything else, naming the value', () => {
    expect(() => groupSize('group:0', 4)).toThrow(
      'bnSync: expected "local", "sync" or "group:<g>" with g ≥ 1, got "group:0"',
    );
    expect(() => groupSize('groups', 4)).toThrow('got "groups"');
  });
});
