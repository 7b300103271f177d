import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import { exactByDefault } from '../../src/export/torch-support.ts';
import {
  torchBundleFolder,
  torchExportBlockers,
  torchZipFileName,
} from '../../src/ui/model/torch-export.ts';
import { torchPairOf } from '../../src/ui/library/torch-pair.ts';

/*
 * Issue #13, the app's download: every run the app trains can be exported (a setting the export
 * could not express would be refused before anything is built, named by its form label, config
 * key and value); the file and folder names are safe to type.
 */

const base = {
  dataset: { name: 'mnist', train: 300, test: 100, downsample: true },
  model: { preset: 'mlp', hidden: [16], norm: 'batch' },
  devices: 2,
  perDeviceBatch: 8,
  steps: 20,
  evalEvery: 10,
};

describe('torchExportBlockers', () => {
  it('is empty for a run the exporter takes', () => {
    expect(torchExportBlockers(parseConfig(base))).toEqual([]);
  });

  it('is empty for every norm, PreciseBN, empty shards and a long non-i.i.d. run', () => {
    for (const norm of ['ghost', 'renorm', 'group', 'layer', 'weight', 'spectral', 'none']) {
      const config = parseConfig({ ...base, model: { ...base.model, norm } });
      expect(torchExportBlockers(config), norm).toEqual([]);
    }
    expect(torchExportBlockers(parseConfig({ ...base, evalMode: 'precise' }))).toEqual([]);
    const cnn = parseConfig({ ...base, model: { preset: 'cnn', norm: 'instance' } });
    expect(torchExportBlockers(cnn)).toEqual([]);
    const { perDeviceBatch: _, ...noBatch } = base;
    const emptyShards = parseConfig({
      ...noBatch,
      devices: 4,
      globalBatch: 3,
      bnSync: 'sync',
      gradientAveraging: 'global',
    });
    expect(torchExportBlockers(emptyShards)).toEqual([]);
    // Past 10,000 steps the CLI leaves the per-step indices out by default, which only an
    // i.i.d. sharding survives: a sorted one keeps them (the app's download never refuses it).
    const long = parseConfig({ ...base, steps: 20_000, sharding: 'label-sorted' });
    expect(exactByDefault(long)).toBe(true);
    expect(torchExportBlockers(long)).toEqual([]);
    expect(exactByDefault(parseConfig({ ...base, steps: 20_000 }))).toBe(false);
  });
});

describe('the download’s names', () => {
  it('keep letters, digits, dots and underscores, and join the rest with one dash', () => {
    expect(torchBundleFolder('SyncBN · 2×8 · BN · iid · lr 0.1')).toBe(
      'SyncBN-2-8-BN-iid-lr-0.1-pytorch',
    );
    expect(torchZipFileName('本地 BN / 8 devices')).toBe('本地-BN-8-devices-pytorch.zip');
    expect(torchZipFileName('../..')).toBe('syncbn-run-pytorch.zip');
  });
});

describe('torchPairOf (the compare view’s PyTorch run and its simulation)', () => {
  const origin = {
    source: 'pytorch' as const,
    torch: '2.13.0+cpu',
    device: 'cpu',
    backend: 'gloo',
    processes: 2,
    fingerprint: 'f',
  };
  const run = (id: string, input: object, withOrigin = false) => ({
    id,
    label: id,
    config: parseConfig({ ...base, ...input }),
    train: [],
    eval: [],
    ...(withOrigin ? { origin } : {}),
  });

  it('pairs the PyTorch run with the compared run of the same settings (fewer steps allowed)', () => {
    const pair = torchPairOf([
      run('other', { bnSync: 'sync' }),
      run('sim', { steps: 30 }),
      run('torch', {}, true),
    ]);
    expect(pair.pytorch?.id).toBe('torch');
    expect(pair.simulated?.id).toBe('sim');
  });

  it('has no simulation when none matches, and no pair without a PyTorch run', () => {
    expect(torchPairOf([run('a', { seed: 2 }), run('torch', {}, true)]).simulated).toBeNull();
    expect(torchPairOf([run('a', {}), run('b', {})]).pytorch).toBeNull();
  });
});
