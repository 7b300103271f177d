import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import {
  torchBundleFolder,
  torchExportBlockers,
  torchZipFileName,
} from '../../src/ui/model/torch-export.ts';
import { torchPairOf } from '../../src/ui/library/torch-pair.ts';

/*
 * Issue #13, the app's download: a run the PyTorch export cannot express is refused before
 * anything is built, with the setting named by its form label, its config key and the run's value
 * (the exporter's own lines are English, for the CLI); the file and folder names are safe to type.
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

  it('names each setting it cannot express by its label, key and value', () => {
    const ghost = parseConfig({ ...base, model: { ...base.model, norm: 'ghost' } });
    expect(torchExportBlockers(ghost)).toEqual([
      'The PyTorch export does not support “Normalization” (model.norm) = ghost yet. Change that setting to download a bundle.',
    ]);
    const precise = parseConfig({ ...base, evalMode: 'precise' });
    const [line] = torchExportBlockers(precise);
    expect(line).toMatch(/“.+” \(evalMode\) = precise yet/);
  });

  it('gives one line per setting when several are out of reach', () => {
    const both = parseConfig({
      ...base,
      model: { ...base.model, norm: 'renorm' },
      evalMode: 'precise',
    });
    expect(torchExportBlockers(both)).toHaveLength(2);
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
