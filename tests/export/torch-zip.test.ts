import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.ts';
import { runExportTorch } from '../../src/cli/export-torch-cli.ts';
import { parseConfig, type RunConfigInput } from '../../src/config/schema.ts';
import { makeDataset } from '../../src/data/make-dataset.ts';
import { decodeNpz, type NpyArray } from '../../src/export/npz.ts';
import { buildTorchZip } from '../../src/export/torch-zip.ts';
import { loadMnistNode } from '../../src/platform/node/mnist.ts';

/*
 * Issue #13, the app's download: the .zip the page builds (src/export/torch-zip.ts, which its
 * worker calls) holds the same bundle `npm run export:torch` writes for the same config: train.py
 * and README.md byte for byte, every .npz array with the same dtype, shape and bytes (the deflate
 * encoders differ, fflate vs zlib, so the compressed bytes may not).
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'torch-zip-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const quiet: CliIo = { stdout: async () => {}, stderr: () => {}, stderrIsTTY: false };

async function cliBundle(input: RunConfigInput): Promise<Map<string, Uint8Array>> {
  const file = join(dir, 'run.json');
  writeFileSync(file, JSON.stringify(input));
  const out = join(dir, 'bundle');
  expect(await runExportTorch([file, '--out', out], quiet)).toBe(0);
  return new Map(
    readdirSync(out).map((name) => [name, new Uint8Array(readFileSync(join(out, name)))]),
  );
}

function zipBundle(zip: Uint8Array, folder: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const [path, bytes] of Object.entries(unzipSync(zip))) {
    expect(path.startsWith(`${folder}/`), path).toBe(true);
    files.set(path.slice(folder.length + 1), bytes);
  }
  return files;
}

function arrays(bytes: Uint8Array): Map<string, NpyArray> {
  return decodeNpz(bytes, (b) => inflateRawSync(b));
}

function bytesOf(a: NpyArray): Uint8Array {
  return new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
}

async function expectSameBundle(input: RunConfigInput): Promise<void> {
  const config = parseConfig(input);
  const data = makeDataset(
    config.dataset,
    config.seed,
    config.dataset.name === 'mnist' ? await loadMnistNode() : undefined,
  );
  const zip = buildTorchZip(config, data, 'my-run-pytorch');
  const fromZip = zipBundle(zip, 'my-run-pytorch');
  const fromCli = await cliBundle(input);
  expect([...fromZip.keys()].sort()).toEqual([...fromCli.keys()].sort());
  for (const name of ['train.py', 'README.md']) {
    expect(Buffer.from(fromZip.get(name)!).equals(Buffer.from(fromCli.get(name)!)), name).toBe(
      true,
    );
  }
  for (const name of ['init.npz', 'data.npz', 'plan.npz']) {
    const a = arrays(fromZip.get(name)!);
    const b = arrays(fromCli.get(name)!);
    expect([...a.keys()], name).toEqual([...b.keys()]);
    for (const [key, array] of a) {
      const other = b.get(key)!;
      expect(array.dtype, `${name}:${key}`).toBe(other.dtype);
      expect(array.shape, `${name}:${key}`).toEqual(other.shape);
      expect(
        Buffer.from(bytesOf(array)).equals(Buffer.from(bytesOf(other))),
        `${name}:${key}`,
      ).toBe(true);
    }
  }
}

describe('the app’s PyTorch .zip', () => {
  it('holds the CLI’s bundle for a 2-D config with group BN and uneven shards', async () => {
    await expectSameBundle({
      seed: 5,
      dataset: { name: 'spiral', train: 120, test: 40, classes: 3 },
      model: { preset: 'mlp', hidden: [8, 6], norm: 'batch' },
      devices: 4,
      globalBatch: 30,
      bnSync: 'group:2',
      optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-4 },
      schedule: { name: 'cosine', warmupSteps: 2 },
      steps: 12,
      evalEvery: 6,
    });
  });

  it('holds the CLI’s bundle for an MNIST run (the digits the run used)', async () => {
    await expectSameBundle({
      seed: 3,
      dataset: { name: 'mnist', train: 300, test: 100, downsample: true },
      model: { preset: 'mlp', hidden: [16], norm: 'batch' },
      devices: 2,
      perDeviceBatch: 4,
      bnSync: 'sync',
      optimizer: { name: 'sgd', lr: 0.1 },
      steps: 10,
      evalEvery: 5,
    });
  }, 60_000);

  it('is the same bytes every time (fixed entry times)', async () => {
    const config = parseConfig({
      seed: 1,
      dataset: { name: 'moons', train: 40, test: 20 },
      model: { preset: 'mlp', hidden: [4], norm: 'batch' },
      devices: 2,
      perDeviceBatch: 4,
      steps: 3,
      evalEvery: 3,
    });
    const data = makeDataset(config.dataset, config.seed);
    const a = buildTorchZip(config, data, 'x');
    await new Promise((r) => setTimeout(r, 1100));
    expect(Buffer.from(buildTorchZip(config, data, 'x')).equals(Buffer.from(a))).toBe(true);
  });
});
