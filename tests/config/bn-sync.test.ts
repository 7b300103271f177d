import { describe, expect, it } from 'vitest';
import { BN_SYNC_EXPECTED, bnSyncGroup, bnSyncGroupText } from '../../src/config/bn-sync.ts';
import { parseConfig } from '../../src/config/schema.ts';

describe('bn-sync: the group size of a bnSync value', () => {
  it('reads g of "group:g", null for anything else', () => {
    expect(bnSyncGroup('group:4')).toBe(4);
    expect(bnSyncGroupText('group:04')).toBe('04');
    for (const other of ['local', 'sync', 'group:', 'group:x', 'group:-1', ' group:2', 3, null]) {
      expect(bnSyncGroup(other)).toBeNull();
      expect(bnSyncGroupText(other)).toBeNull();
    }
  });

  it('is what the schema says for a value it refuses', () => {
    expect(() =>
      parseConfig({ dataset: { name: 'moons' }, model: { preset: 'mlp' }, bnSync: 'group:0' }),
    ).toThrow(`bnSync: ${BN_SYNC_EXPECTED}`);
  });
});
