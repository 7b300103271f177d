import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';
import { ConfigError, parseConfig, shardSizes } from '../../src/config/schema.ts';
import { makeSharder } from '../../src/data/sharding.ts';

const dir = mkdtempSync(join(tmpdir(), 'ddp-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  dataset: { name: 'spiral', train: 200, test: 50 },
  model: { preset: 'mlp', hidden: [8] },
  devices: 8,
  steps: 2,
};

describe('gradientAveraging in the config', () => {
  it('defaults to "ddp"; "global" is accepted; anything else names the choices', () => {
    expect(parseConfig({ ...base, perDeviceBatch: 4 }).gradientAveraging).toBe('ddp');
    expect(
      parseConfig({ ...base, globalBatch: 30, gradientAveraging: 'global' }).gradientAveraging,
    ).toBe('global');
    expect(() => parseConfig({ ...base, perDeviceBatch: 4, gradientAveraging: 'mean' })).toThrow(
      /gradientAveraging/,
    );
  });

  it('"ddp" with a device of 0 samples is a config error naming globalBatch, devices and the ways out', () => {
    // SyncBN, so that no BN merge holds a single sample (another rule) and this is the only problem.
    const bad = { ...base, globalBatch: 6, bnSync: 'sync' };
    expect(() => parseConfig(bad)).toThrow(ConfigError);
    expect(() => parseConfig(bad)).toThrow(
      /^globalBatch: 6 samples over 8 devices leave 2 device\(s\) with 0 samples;.*globalBatch ≥ 8.*gradientAveraging "global"/,
    );
    // The same batch is fine under "global" (those devices then just contribute nothing).
    expect(parseConfig({ ...bad, gradientAveraging: 'global' }).globalBatch).toBe(6);
    expect(parseConfig({ ...bad, globalBatch: 8 }).globalBatch).toBe(8);
  });

  it('the CLI exits 2 before training, with that one line', async () => {
    const path = join(dir, 'empty-device.json');
    writeFileSync(path, JSON.stringify({ ...base, globalBatch: 6, bnSync: 'sync' }));
    let stdout = '';
    let stderr = '';
    const code = await runCli([path], {
      stdout: async (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      stderrIsTTY: false,
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toBe(
      `${path}: globalBatch: 6 samples over 8 devices leave 2 device(s) with 0 samples; under gradientAveraging "ddp" each device averages its own loss, which is undefined for 0 samples (PyTorch gives NaN): use globalBatch ≥ 8 (the devices), fewer devices, or gradientAveraging "global" (got 6)\n`,
    );
  });

  it('every sharding policy gives device k exactly shardSizes(globalBatch, K)[k] samples, so globalBatch ≥ K means no empty device', () => {
    const labels = Int32Array.from({ length: 400 }, (_, i) => (i * 7) % 10);
    for (const policy of ['iid', 'label-sorted', { dirichlet: 0.05 }, { dirichlet: 1 }] as const) {
      for (const K of [2, 3, 5, 8]) {
        const shard = makeSharder(policy, { devices: K, classes: 10, seed: 4 });
        for (const batch of [K, K + 1, 2 * K - 1, 37]) {
          const sizes = shardSizes(batch, K);
          for (let s = 0; s < 5; s++) {
            const indices = Int32Array.from({ length: batch }, (_, i) => (i * 13 + s * 31) % 400);
            const shards = shard(indices, labels, sizes);
            expect(shards.map((x) => x.length)).toEqual(sizes);
            expect(Math.min(...shards.map((x) => x.length))).toBeGreaterThanOrEqual(1);
          }
        }
      }
    }
  });
});
