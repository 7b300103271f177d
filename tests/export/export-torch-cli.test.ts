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
import { preciseBatches } from '../../src/coordinator/precise-batches.ts';
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

interface EmbeddedPlan {
  shardSizes: number[];
  decay: string[];
  layers: { kind: string; name: string; spatial?: boolean; reparam?: string | null }[];
}

/** The PLAN JSON train.py carries. */
function embeddedPlan(out: string): EmbeddedPlan {
  const script = readFileSync(join(out, 'train.py'), 'utf8');
  return JSON.parse(/PLAN = json\.loads\(r"""([\s\S]*?)"""\)/.exec(script)![1]!) as EmbeddedPlan;
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

  const mnist = { name: 'mnist', train: 60, test: 20, downsample: true } as const;
  it.each<[string, Partial<RunConfigInput>, string[]]>([
    [
      'the CNN (BatchNorm2d after each conv, then max-pool)',
      { model: { preset: 'cnn', channels: [4, 8], norm: 'batch' }, dataset: mnist },
      [
        'conv conv1',
        'batchnorm bn1 2d',
        'activation act1',
        'maxpool pool1',
        'conv conv2',
        'batchnorm bn2 2d',
        'activation act2',
        'maxpool pool2',
        'flatten flatten',
        'linear fc_out',
      ],
    ],
    [
      'instance norm on the CNN',
      { model: { preset: 'cnn', channels: [4, 8], norm: 'instance' }, dataset: mnist },
      [
        'conv conv1',
        'instancenorm in1',
        'activation act1',
        'maxpool pool1',
        'conv conv2',
        'instancenorm in2',
        'activation act2',
        'maxpool pool2',
        'flatten flatten',
        'linear fc_out',
      ],
    ],
    [
      'ghost BN',
      { model: { preset: 'mlp', hidden: [8, 6], norm: 'ghost', normOptions: { virtualBatch: 4 } } },
      [
        'flatten flatten',
        'linear fc1',
        'ghostbatchnorm gbn1',
        'activation act1',
        'linear fc2',
        'ghostbatchnorm gbn2',
        'activation act2',
        'linear fc_out',
      ],
    ],
    [
      'batch renorm',
      { model: { preset: 'mlp', hidden: [8], norm: 'renorm' } },
      ['flatten flatten', 'linear fc1', 'batchrenorm brn1', 'activation act1', 'linear fc_out'],
    ],
    [
      'weight norm (around the hidden Linear)',
      { model: { preset: 'mlp', hidden: [8], norm: 'weight' } },
      ['flatten flatten', 'linear fc1 weight', 'activation act1', 'linear fc_out'],
    ],
    [
      'spectral norm (around the hidden conv)',
      { model: { preset: 'cnn', channels: [4, 8], norm: 'spectral' }, dataset: mnist },
      [
        'conv conv1 spectral',
        'activation act1',
        'maxpool pool1',
        'conv conv2 spectral',
        'activation act2',
        'maxpool pool2',
        'flatten flatten',
        'linear fc_out',
      ],
    ],
  ])(
    'exports %s: its layers, and init.npz named as the simulator',
    async (_what, change, kinds) => {
      const input = { ...base, ...change };
      const { code, err, out } = await exportConfig(input);
      expect(code, err).toBe(0);
      const { layers, decay } = embeddedPlan(out);
      expect(
        layers.map((l) =>
          [l.kind, l.name, l.spatial ? '2d' : '', l.reparam ?? '']
            .filter((w) => w !== '')
            .join(' '),
        ),
      ).toEqual(kinds);
      const config = parseConfig(input);
      const shape =
        config.dataset.name === 'mnist'
          ? { sampleShape: [1, 14, 14], classes: 10 } // downsampled MNIST
          : { sampleShape: [2], classes: 3 }; // the 3-class spiral
      const model = buildModel(config.model, shape, Rng.stream(config.seed, 'init'));
      const init = npz(join(out, 'init.npz'));
      expect([...init.keys()].sort()).toEqual(
        [...model.params(), ...model.buffers()].map((p) => p.name).sort(),
      );
      // Weight decay exactly where the simulator applies it (never γ, β, biases, weight norm's g).
      expect(decay).toEqual(
        model
          .params()
          .filter((p) => p.decay)
          .map((p) => p.name),
      );
    },
  );

  it('stores PreciseBN\'s batches for evalMode "precise", the trainer\'s own', async () => {
    const input = { ...base, evalMode: 'precise', preciseSamples: 70 };
    const { code, err, out } = await exportConfig(input);
    expect(code, err).toBe(0);
    const precise = npz(join(out, 'plan.npz')).get('precise_indices')!;
    expect(precise.shape).toEqual([3, 30]); // ⌈70 / 30⌉ global batches
    const config = parseConfig(input);
    const data = makeDataset(config.dataset, config.seed);
    const expected = preciseBatches(config, data.train).flatMap((shards) =>
      shards.flatMap((s) => [...s]),
    );
    expect([...precise.data]).toEqual(expected);
  });

  it('exports a global batch smaller than the devices (a rank with an empty shard)', async () => {
    const { code, err, out } = await exportConfig({
      ...base,
      bnSync: 'sync',
      globalBatch: 3,
      gradientAveraging: 'global',
    });
    expect(code, err).toBe(0);
    expect(embeddedPlan(out).shardSizes).toEqual([1, 1, 1, 0]);
  });

  it('exports a long non-i.i.d. run with its indices by default (train.py cannot deal it)', async () => {
    const long = { ...base, steps: 10_001, evalEvery: 5_000, sharding: 'label-sorted' };
    const sorted = await exportConfig(long);
    expect(sorted.code, sorted.err).toBe(0);
    expect(npz(join(sorted.out, 'plan.npz')).get('batch_indices')!.shape).toEqual([10_001, 30]);
    rmSync(sorted.out, { recursive: true });
    const iid = await exportConfig({ ...long, sharding: 'iid' });
    expect(iid.code, iid.err).toBe(0);
    expect(npz(join(iid.out, 'plan.npz')).has('batch_indices')).toBe(false);
  });

  it('needs --exact for a non-i.i.d. sharding, and never writes into a non-empty directory', async () => {
    const sorted = await exportConfig({ ...base, sharding: 'label-sorted' }, ['--no-exact']);
    expect(sorted.code).toBe(2);
    expect(sorted.err).toMatch(/sharding: "label-sorted" needs --exact/);
    expect(sorted.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(dir, 'bundle'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['run.json']); // nothing written, no temporary directory left

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
