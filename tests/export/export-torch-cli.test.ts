import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExportTorch } from '../../src/cli/export-torch-cli.ts';
import type { CliIo } from '../../src/cli/cli-io.ts';
import { parseConfig, type RunConfigInput } from '../../src/config/schema.ts';
import { buildModel } from '../../src/core/model/build.ts';
import { Rng } from '../../src/core/rng.ts';
import { makeDataset } from '../../src/data/make-dataset.ts';
import { EpochSampler } from '../../src/data/sampler.ts';
import { decodeNpz, type NpyArray } from '../../src/export/npz.ts';

const base: RunConfigInput = {
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
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'export-torch-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function capture(): CliIo & { err: string } {
  const io = {
    err: '',
    stdout: async () => {},
    stderr: (text: string) => {
      io.err += text;
    },
    stderrIsTTY: false,
  };
  return io;
}

async function exportConfig(
  input: unknown,
  extra: string[] = [],
): Promise<{ code: number; err: string; out: string }> {
  const file = join(dir, 'run.json');
  writeFileSync(file, JSON.stringify(input));
  const out = join(dir, 'bundle');
  const io = capture();
  const code = await runExportTorch([file, '--out', out, ...extra], io);
  return { code, err: io.err, out };
}

function npz(path: string): Map<string, NpyArray> {
  return decodeNpz(readFileSync(path), (b) => inflateRawSync(b));
}

describe('npm run export:torch', () => {
  it('writes train.py, init.npz, data.npz, plan.npz and README.md with the run’s exact numbers', async () => {
    const { code, err, out } = await exportConfig(base);
    expect(code, err).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'README.md',
      'data.npz',
      'init.npz',
      'plan.npz',
      'train.py',
    ]);
    const config = parseConfig(base);
    const data = makeDataset(config.dataset, config.seed);

    // init.npz: device 0's model as every device builds it, named as the PyTorch state_dict.
    const init = npz(join(out, 'init.npz'));
    const model = buildModel(
      config.model,
      { sampleShape: data.train.sampleShape, classes: 3 },
      Rng.stream(config.seed, 'init'),
    );
    const names = [...model.params(), ...model.buffers()].map((p) => p.name);
    expect([...init.keys()]).toEqual(names);
    for (const p of model.params()) {
      expect(init.get(p.name)!.shape).toEqual(p.shape);
      expect([...init.get(p.name)!.data]).toEqual([...p.value]);
    }
    expect(init.get('bn1.running_var')!.data).toEqual(new Float32Array(8).fill(1));
    expect(init.get('bn1.num_batches_tracked')).toMatchObject({ dtype: 'i8', shape: [] });

    // data.npz: the arrays the run trains and tests on.
    const arrays = npz(join(out, 'data.npz'));
    expect(arrays.get('x_train')!.shape).toEqual([120, 2]);
    expect([...arrays.get('x_train')!.data]).toEqual([...data.train.x]);
    expect([...arrays.get('y_test')!.data].map(Number)).toEqual([...data.test.y]);

    // plan.npz: the schedule's rate per step and each step's global batch in device order.
    const plan = npz(join(out, 'plan.npz'));
    const lr = [...plan.get('lr')!.data].map(Number);
    expect(lr).toHaveLength(12);
    expect(lr[0]).toBeCloseTo(0.05 / 3, 12); // warm-up step 1 of 2
    expect(lr[11]).toBe(0); // cosine down to minLr
    const batches = plan.get('batch_indices')!;
    expect(batches.shape).toEqual([12, 30]);
    const sampler = new EpochSampler(120, 30, config.seed);
    expect([...batches.data.subarray(0, 30)]).toEqual([...sampler.next()]); // iid: slices in order

    // train.py carries the resolved config, the layers and the shard sizes.
    const script = readFileSync(join(out, 'train.py'), 'utf8');
    const json = /PLAN = json\.loads\(r"""([\s\S]*?)"""\)/.exec(script)?.[1];
    const embedded = JSON.parse(json!) as {
      config: unknown;
      shardSizes: number[];
      layers: unknown[];
    };
    expect(embedded.config).toEqual(JSON.parse(JSON.stringify(config)));
    expect(embedded.shardSizes).toEqual([8, 8, 7, 7]);
    expect(embedded.layers.map((l) => (l as { name: string }).name)).toEqual([
      'flatten',
      'fc1',
      'bn1',
      'act1',
      'fc2',
      'bn2',
      'act2',
      'fc_out',
    ]);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('torchrun --nproc_per_node=4');
  });

  it('reads a run exported from the app (syncbn-lab/run) and leaves the indices out with --no-exact', async () => {
    const exported = {
      format: 'syncbn-lab/run',
      version: 1,
      run: { name: 'r', status: 'completed', createdAt: 0, updatedAt: 0, config: base },
    };
    const { code, err, out } = await exportConfig(exported, ['--no-exact']);
    expect(code, err).toBe(0);
    expect([...npz(join(out, 'plan.npz')).keys()]).toEqual(['lr']);
  });

  it.each([
    [
      {
        model: { preset: 'cnn', norm: 'batch' },
        dataset: { name: 'mnist', train: 60, test: 20, downsample: true },
      },
      /^.*model\.preset: "cnn" is not exported/m,
    ],
    [
      { model: { preset: 'mlp', hidden: [8], norm: 'ghost' } },
      /model\.norm: "ghost" is not exported/,
    ],
    [{ evalMode: 'precise' }, /evalMode: "precise"/],
  ])(
    'a config it cannot express exits 2 naming the field, writing nothing (%#)',
    async (change, message) => {
      const { code, err, out } = await exportConfig({ ...base, ...change });
      expect(code).toBe(2);
      expect(err).toMatch(message);
      expect(err).not.toMatch(/\n\s+at /); // no stack trace
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir)).toEqual(['run.json']); // no temporary directory left behind either
    },
  );

  it('needs --exact for a non-i.i.d. sharding, and never writes into a non-empty directory', async () => {
    const sorted = await exportConfig({ ...base, sharding: 'label-sorted' }, ['--no-exact']);
    expect(sorted.code).toBe(2);
    expect(sorted.err).toMatch(/sharding: "label-sorted" needs --exact/);

    mkdirSync(join(dir, 'bundle'));
    writeFileSync(join(dir, 'bundle', 'keep.txt'), 'mine');
    const busy = await exportConfig(base);
    expect(busy.code).toBe(2);
    expect(busy.err).toMatch(/--out .*bundle: the directory is not empty/);
    expect(readdirSync(join(dir, 'bundle'))).toEqual(['keep.txt']);
  });

  it('a bad config is reported with its key, like npm run sim', async () => {
    const { code, err } = await exportConfig({ ...base, devices: 0 });
    expect(code).toBe(2);
    expect(err).toMatch(/devices/);
  });
});
