import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBundles, torchMissing } from '../helpers/torch.ts';
import { runExportTorch } from '../../src/cli/export-torch-cli.ts';
import { parseConfig, type RunConfig, type RunConfigInput } from '../../src/config/schema.ts';
import { buildModel } from '../../src/core/model/build.ts';
import { Rng } from '../../src/core/rng.ts';
import { encodeNpz, type NpyArray } from '../../src/export/npz.ts';
import { runExperimentNode } from '../../src/platform/node/platform.ts';
import type { RunResult } from '../../src/coordinator/run-types.ts';
import type { Checkpoint } from '../../src/workers/checkpoint.ts';

/**
 * The exported train.py for the CNN and for the norms beyond BN/GN/LN, run for real: ONE launch of
 * python3 -m torch.distributed.run (4 CPU processes, gloo) runs every case below through
 * tests/export/fixtures/run_bundles.py, which imports each bundle's own train.py (a launch costs
 * 15–30 s here, mostly importing torch; the runs themselves take a second or two).
 *
 * Two kinds of comparison with the simulator (real worker_threads, same config):
 *
 * - "train" (the MLP with ghost BN, batch renorm, weight norm, spectral norm, and PreciseBN
 *   evaluation): the whole run free,
 *   as a user launches it: every step's loss, every evaluation, the final parameters and running
 *   statistics within 1e-4 relative (|Δ| / max(1, |value|) for the state).
 *
 * - "replay" (the CNN with sync, local and group BN, under SGD and Adam, and instance norm, which
 *   only a CNN has): the CNN is compared STEP BY STEP FROM THE SAME STATE, not free-running. Its max-pools pick the
 *   largest of 4 values; when two of them are within float32 rounding (the conv sums in another
 *   order in PyTorch) the two implementations route that window's gradient to different inputs,
 *   and from then on the runs are two different (equally correct) trajectories whose gap grows
 *   with every step: a free-running comparison would test chaos, not the export. So at each of
 *   20 steps every rank loads the simulator's parameters, buffers and optimizer state after the
 *   step before, runs train.py's own train_step on the step's shards, and the result is compared
 *   with the simulator's state after that step: the loss, each parameter's UPDATE (the error
 *   relative to the largest change of that tensor in the step, so a wrong gradient cannot hide
 *   behind the size of the weights; a conv bias right before BN or IN, whose true gradient is 0,
 *   moves by rounding noise only and is measured against the step's largest update), and the
 *   running statistics (|Δ| / max(1, |value|)); then train.py's evaluation from the simulator's
 *   state after the last step. BN over a global batch of 3 (one rank with an empty shard) drifts
 *   free-running for another reason (1/σ_B of 3 values amplifies rounding) and is replayed too.
 */

const common: Omit<RunConfigInput, 'model'> = {
  seed: 3,
  dataset: { name: 'mnist', train: 300, test: 100, downsample: true },
  devices: 4,
  // Shards 8, 8, 7, 7: uneven, under DDP's averaging.
  globalBatch: 30,
  gradientAveraging: 'ddp',
  optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
};
const cnn: RunConfigInput = {
  ...common,
  model: { preset: 'cnn', channels: [4, 8], norm: 'batch' },
  steps: 20,
  evalEvery: 20,
};
const mlp = (norm: string, normOptions: object = {}): RunConfigInput => ({
  ...common,
  model: {
    preset: 'mlp',
    hidden: [32, 16],
    norm: norm as RunConfig['model']['norm'],
    normOptions,
  },
  steps: 30,
  evalEvery: 15,
});

/** Bounds a case must meet (measured values are printed; the README lists them). */
const REPLAY_BOUND = { loss: 1e-5, update: 1e-3, stats: 1e-5 };
const TRAIN_BOUND = 1e-4;

interface Case {
  readonly name: string;
  readonly kind: 'train' | 'replay';
  readonly input: RunConfigInput;
}

const cases: Case[] = [
  { name: 'CNN, sync BN', kind: 'replay', input: { ...cnn, bnSync: 'sync' } },
  {
    name: 'CNN, local BN (BatchNorm2d, rank0)',
    kind: 'replay',
    input: { ...cnn, bnSync: 'local' },
  },
  {
    name: 'CNN, group:2 BN, runningStats mean',
    kind: 'replay',
    input: { ...cnn, bnSync: 'group:2', runningStats: 'mean' },
  },
  {
    // The CNN preset's own setting (configs/mnist-cnn-bn.json): local BN under Adam.
    name: 'CNN, local BN, Adam (lr 0.003)',
    kind: 'replay',
    input: { ...cnn, bnSync: 'local', optimizer: { name: 'adam', lr: 0.003 } },
  },
  {
    name: 'CNN, instance norm',
    kind: 'replay',
    input: { ...cnn, model: { preset: 'cnn', channels: [4, 8], norm: 'instance' } },
  },
  {
    name: 'MLP, ghost BN (virtual batch 4) synced, evalMode batch',
    kind: 'train',
    input: { ...mlp('ghost', { virtualBatch: 4 }), bnSync: 'sync', evalMode: 'batch' },
  },
  {
    name: 'MLP, batch renorm (rmax 2, dmax 1, warm-up 5, ramp 10), group:2',
    kind: 'train',
    input: {
      ...mlp('renorm', { rmax: 2, dmax: 1, renormWarmup: 5, renormRamp: 10 }),
      bnSync: 'group:2',
    },
  },
  {
    name: 'MLP, group:2 BN, runningStats mean, evalMode precise (120 samples)',
    kind: 'train',
    input: {
      ...mlp('batch'),
      bnSync: 'group:2',
      runningStats: 'mean',
      evalMode: 'precise',
      preciseSamples: 120,
    },
  },
  {
    // BN over 3 samples amplifies rounding (a feature's 3 values can nearly agree, and 1/σ_B
    // scales their differences up): float32 runs drift apart within a few steps (1e-6 at step 2,
    // 1e-2 by step 28), so this one is compared step by step too.
    name: 'MLP, sync BN, global batch 3 on 4 devices (one rank empty), gradientAveraging global',
    kind: 'replay',
    input: { ...mlp('batch'), bnSync: 'sync', globalBatch: 3, gradientAveraging: 'global' },
  },
  { name: 'MLP, weight norm', kind: 'train', input: mlp('weight') },
  { name: 'MLP, spectral norm', kind: 'train', input: mlp('spectral') },
];

interface Outcome {
  config: RunConfig;
  sim: RunResult;
  /** The simulator's state after each step (index = step; 0 = the initial state). */
  checkpoints: Checkpoint[];
  torchFile: string;
}

interface ReplayOut {
  steps: { step: number; loss: number; state: Record<string, number[]> }[];
  /** train.py's evaluation from the simulator's state after the last step. */
  eval: { step: number; loss: number; acc: number };
}

interface TrainOut {
  source: string;
  train: { step: number; loss: number }[];
  eval: { step: number; loss: number }[];
  final: { testAcc: number };
  finalState: Record<string, number[]>;
}

const outcomes = new Map<string, Outcome>();
let dir = '';
let launchSeconds = 0;

const MEAN_REMOVING_NORMS = new Set([
  'batch-norm',
  'ghost-batch-norm',
  'batch-renorm',
  'instance-norm',
]);

/** Parameter and buffer names in the simulator's flat order, with their sizes. */
function layout(config: RunConfig) {
  const model = buildModel(
    config.model,
    { sampleShape: [1, 14, 14], classes: 10 },
    Rng.stream(config.seed, 'init'),
  );
  const entries = (list: { name: string; value: { length: number } }[]) =>
    list.map((p) => ({ name: p.name, size: p.value.length }));
  // Conv biases right before a norm that subtracts each channel's mean (BN, IN): that mean
  // subtraction cancels them, so their true gradient is 0 and what they get is rounding noise.
  const biasesBeforeNorm = new Set<string>();
  for (const [i, layer] of model.layers.entries()) {
    const next = model.layers[i + 1];
    if (next && MEAN_REMOVING_NORMS.has(next.kind)) biasesBeforeNorm.add(`${layer.name}.bias`);
  }
  return {
    biasesBeforeNorm,
    params: entries(model.params()),
    buffers: entries(model.buffers()),
    initial: { params: flatten(model.params()), buffers: flatten(model.buffers()) },
  };
}

function flatten(list: { value: Float32Array }[]): Float32Array {
  const out = new Float32Array(list.reduce((n, p) => n + p.value.length, 0));
  let at = 0;
  for (const p of list) {
    out.set(p.value, at);
    at += p.value.length;
  }
  return out;
}

/** name → values of a flat copy, in layout order. */
function byName(
  entries: { name: string; size: number }[],
  flat: Float32Array,
): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  let at = 0;
  for (const e of entries) {
    out.set(e.name, flat.subarray(at, at + e.size));
    at += e.size;
  }
  return out;
}

/** states.npz for the replay: the simulator's state after each step, 0 (the start) to the last. */
function statesNpz(config: RunConfig, checkpoints: Checkpoint[]): Uint8Array {
  const { params, buffers } = layout(config);
  const arrays = new Map<string, NpyArray>();
  arrays.set('steps', { dtype: 'i8', shape: [], data: BigInt64Array.of(BigInt(config.steps)) });
  for (let s = 0; s <= config.steps; s++) {
    const c = checkpoints[s]!;
    for (const [entries, flat] of [
      [params, c.params],
      [buffers, c.buffers],
    ] as const) {
      for (const [name, values] of byName(entries, flat)) {
        if (name.endsWith('.num_batches_tracked')) {
          const n = BigInt(values[0]!);
          arrays.set(`${s}/${name}`, { dtype: 'i8', shape: [], data: BigInt64Array.of(n) });
        } else {
          arrays.set(`${s}/${name}`, { dtype: 'f4', shape: [values.length], data: values });
        }
      }
    }
    for (const [key, values] of Object.entries(c.optimizer.buffers)) {
      arrays.set(`${s}/opt/${key}`, { dtype: 'f4', shape: [values.length], data: values });
    }
    arrays.set(`${s}/opt_step`, {
      dtype: 'f8',
      shape: [],
      data: Float64Array.of(c.optimizer.step),
    });
  }
  return encodeNpz(arrays);
}

// Without torch: one skipped line that says why and how to enable it, nothing else.
if (torchMissing)
  it.skip('skipped: python3 cannot import torch (pip install the CPU wheel, see README, to run the CNN and norm exports under torchrun)', () => {});
else
  describe('the exported CNN and norms under torchrun (CPU, gloo, 4 processes, one launch)', () => {
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'torch-cnn-norms-'));
      const jobs: object[] = [];
      for (const [i, c] of cases.entries()) {
        const caseDir = join(dir, `case${i}`);
        mkdirSync(caseDir);
        const configPath = join(caseDir, 'run.json');
        writeFileSync(configPath, JSON.stringify(c.input));
        const bundle = join(caseDir, 'bundle');
        let err = '';
        const io = {
          stdout: async () => {},
          stderr: (t: string) => {
            err += t;
          },
          stderrIsTTY: false,
        };
        expect(await runExportTorch([configPath, '--out', bundle], io), err).toBe(0);

        const config = parseConfig(c.input);
        const initial = layout(config).initial;
        const checkpoints: Checkpoint[] = [
          {
            step: 0,
            params: initial.params,
            buffers: initial.buffers,
            optimizer: { kind: config.optimizer.name, step: 0, buffers: {} },
          },
        ];
        const sim = await runExperimentNode(config, {
          checkpointEvery: 1,
          onCheckpoint: (cp) => {
            checkpoints[cp.step] = cp;
          },
        });
        const torchFile = join(caseDir, 'torch.json');
        if (c.kind === 'replay') {
          const states = join(caseDir, 'states.npz');
          writeFileSync(states, statesNpz(config, checkpoints));
          jobs.push({ kind: 'replay', bundle, states, out: torchFile });
        } else {
          jobs.push({ kind: 'train', bundle, out: torchFile });
        }
        outcomes.set(c.name, { config, sim, checkpoints, torchFile });
      }
      const jobsFile = join(dir, 'jobs.json');
      writeFileSync(jobsFile, JSON.stringify(jobs));
      launchSeconds = await launchBundles(jobsFile);
      console.log(`torchrun: ${cases.length} cases in one launch, ${launchSeconds.toFixed(0)} s`);
    }, 1_500_000);

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it.each(cases.filter((c) => c.kind === 'replay'))(
      '$name: every step from the simulator state matches',
      ({ name }) => {
        const o = outcomes.get(name)!;
        const torch = JSON.parse(readFileSync(o.torchFile, 'utf8')) as ReplayOut;
        const { params, buffers, biasesBeforeNorm: noiseOnly } = layout(o.config);
        expect(torch.steps.map((r) => r.step)).toEqual(o.sim.train.map((r) => r.step));
        const worst = { loss: 0, update: 0, stats: 0 };
        for (const [i, row] of torch.steps.entries()) {
          const simRow = o.sim.train[i]!;
          worst.loss = Math.max(worst.loss, Math.abs(row.loss - simRow.loss) / simRow.loss);
          const before = byName(params, o.checkpoints[row.step - 1]!.params);
          const after = byName(params, o.checkpoints[row.step]!.params);
          const change = new Map<string, { step: number; miss: number }>();
          for (const [p, ours] of after) {
            const theirs = row.state[p]!;
            expect(theirs, p).toHaveLength(ours.length);
            const prev = before.get(p)!;
            let step = 0;
            let miss = 0;
            for (let j = 0; j < ours.length; j++) {
              step = Math.max(step, Math.abs(ours[j]! - prev[j]!));
              miss = Math.max(miss, Math.abs(theirs[j]! - ours[j]!));
            }
            change.set(p, { step, miss });
          }
          const largest = Math.max(...[...change.values()].map((c) => c.step));
          for (const [p, { step, miss }] of change) {
            // A bias whose gradient the next norm removes moves by float noise only (1e-9 where the
            // weights move by 1e-2): measured on the scale of the step's largest update instead.
            // Under Adam such a bias's step is m/√v of noise (about lr whatever its size): the two
            // implementations' noise differs, so it is left out (nothing the network computes
            // depends on it: the norm subtracts it).
            if (noiseOnly.has(p) && o.config.optimizer.name !== 'sgd') continue;
            const scale = noiseOnly.has(p) ? largest : step;
            if (scale > 0) worst.update = Math.max(worst.update, miss / scale);
          }
          for (const [b, ours] of byName(buffers, o.checkpoints[row.step]!.buffers)) {
            const theirs = row.state[b]!;
            for (let j = 0; j < ours.length; j++) {
              const d = Math.abs(theirs[j]! - ours[j]!) / Math.max(1, Math.abs(ours[j]!));
              worst.stats = Math.max(worst.stats, d);
            }
          }
        }
        console.log(
          `torch vs sim, ${name}, step by step: loss max rel ${worst.loss.toExponential(1)}, ` +
            `update ${worst.update.toExponential(1)}, running stats ${worst.stats.toExponential(1)}`,
        );
        const simEval = o.sim.eval[o.sim.eval.length - 1]!;
        expect(torch.eval.step).toBe(simEval.step);
        const evalRel = Math.abs(torch.eval.loss - simEval.loss) / simEval.loss;
        console.log(
          `  evaluation from the simulator's last state: test loss rel ${evalRel.toExponential(1)}`,
        );
        expect(evalRel).toBeLessThan(REPLAY_BOUND.loss);
        expect(torch.eval.acc).toBe(simEval.acc);
        expect(worst.loss).toBeLessThan(REPLAY_BOUND.loss);
        expect(worst.update).toBeLessThan(REPLAY_BOUND.update);
        expect(worst.stats).toBeLessThan(REPLAY_BOUND.stats);
      },
    );

    it.each(cases.filter((c) => c.kind === 'train'))(
      '$name: the free run matches npm run sim',
      ({ name }) => {
        const o = outcomes.get(name)!;
        const torch = JSON.parse(readFileSync(o.torchFile, 'utf8')) as TrainOut;
        expect(torch.source).toBe('pytorch');
        expect(torch.train.map((r) => r.step)).toEqual(o.sim.train.map((r) => r.step));
        let lossRel = 0;
        for (const [i, row] of o.sim.train.entries()) {
          lossRel = Math.max(lossRel, Math.abs(torch.train[i]!.loss - row.loss) / row.loss);
        }
        expect(torch.eval.map((r) => r.step)).toEqual(o.sim.eval.map((r) => r.step));
        let evalRel = 0;
        for (const [i, row] of o.sim.eval.entries()) {
          evalRel = Math.max(evalRel, Math.abs(torch.eval[i]!.loss - row.loss) / row.loss);
        }
        const { params, buffers } = layout(o.config);
        const last = o.checkpoints[o.config.steps]!;
        const state = { params: 0, stats: 0 };
        for (const [kind, entries, flat] of [
          ['params', params, last.params],
          ['stats', buffers, last.buffers],
        ] as const) {
          for (const [p, ours] of byName(entries, flat)) {
            const theirs = torch.finalState[p]!;
            expect(theirs, p).toHaveLength(ours.length);
            for (let j = 0; j < ours.length; j++) {
              const d = Math.abs(theirs[j]! - ours[j]!) / Math.max(1, Math.abs(ours[j]!));
              state[kind] = Math.max(state[kind], d);
            }
          }
        }
        console.log(
          `torch vs sim, ${name}: loss max rel ${lossRel.toExponential(1)}, eval ${evalRel.toExponential(1)}, ` +
            `params ${state.params.toExponential(1)}, running stats ${state.stats.toExponential(1)}`,
        );
        expect(lossRel).toBeLessThan(TRAIN_BOUND);
        expect(evalRel).toBeLessThan(TRAIN_BOUND);
        expect(torch.final.testAcc).toBe(o.sim.final.testAcc);
        expect(state.params).toBeLessThan(TRAIN_BOUND);
        expect(state.stats).toBeLessThan(TRAIN_BOUND);
      },
    );
  });
