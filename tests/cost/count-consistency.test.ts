import { describe, expect, it } from 'vitest';
import { type CountedCall, CountingCollective } from '../../src/collectives/counting.ts';
import { LocalCollective } from '../../src/collectives/local.ts';
import { parseConfig, type RunConfigInput } from '../../src/config/schema.ts';
import { estimateCost } from '../../src/cost/estimate.ts';
import { fabricOf } from '../../src/cost/links.ts';
import { simulatedModel } from '../../src/cost/simulated-model.ts';
import { bnCollectives, gradientBuckets } from '../../src/cost/step-collectives.ts';
import { makeDataset } from '../../src/data/make-dataset.ts';
import { loadMnistNode } from '../../src/platform/node/mnist.ts';
import { DeviceGroup } from '../../src/workers/device-group.ts';

/**
 * The cost model and the simulator describe the same step: one training step of the simulator
 * (all devices in one group over a counting LocalCollective; see oneStep) issues, per BN layer, the forward and
 * backward exchanges the model plans, each device contributing the model's values plus the
 * simulator's 2-value layout header [groups, channels]; and it all-reduces exactly the model's
 * gradient values (in one vector; the model splits the same values into DDP's buckets).
 *
 * Where they differ by design (stated, not hidden): the simulator exchanges in float64 and
 * gathers the backward sums (PyTorch all_reduces them in float32); for group:g it gathers from
 * all K devices and merges each group apart (PyTorch: one process group per span), so its
 * received bytes are K's, not g's; its 'buffers' exchange is DDP's broadcast_buffers, which the
 * cost model leaves out.
 */
const HEADER = 2;

/**
 * One training step's collective calls. A group hosting every device (one worker) sums the
 * devices' gradients inside its pass and all-reduces nothing; `joinDevices: false` runs the
 * devices one at a time, which hands the gradients to the collective as workers hosting part of
 * the devices do: that is where the gradient exchange is counted.
 */
async function oneStep(input: RunConfigInput, joinDevices = true): Promise<CountedCall[]> {
  const config = parseConfig(input);
  const raw = config.dataset.name === 'mnist' ? await loadMnistNode() : undefined;
  const data = makeDataset(config.dataset, config.seed, raw);
  const counting = new CountingCollective(new LocalCollective(config.devices));
  const group = new DeviceGroup({
    config,
    ranks: Array.from({ length: config.devices }, (_, k) => k),
    devices: config.devices,
    train: data.train,
    test: data.test,
    collective: counting,
    joinDevices,
  });
  const per = config.perDeviceBatch ?? 4;
  const shards = Array.from({ length: config.devices }, (_, k) =>
    Int32Array.from({ length: per }, (_, i) => k * per + i),
  );
  await group.trainStep(0, shards, per * config.devices, 0.1, false);
  return counting.calls;
}

const base = (bnSync: string, devices: number): RunConfigInput => ({
  seed: 1,
  dataset: { name: 'spiral', train: 256, test: 64 },
  model: { preset: 'mlp', hidden: [16, 12, 8], norm: 'batch' },
  devices,
  workers: 1,
  perDeviceBatch: 4,
  bnSync,
  steps: 1,
});

const costFor = (input: RunConfigInput, gpus: number) =>
  estimateCost({
    model: simulatedModel(parseConfig(input)),
    gpus,
    gpusPerNode: 8,
    batchPerGpu: 4,
    fabric: fabricOf('nvlink3', 'ib-ndr'),
    compute: { computeMs: 1 },
    maxScalingGpus: 1,
  });

describe('the cost model counts what the simulator sends', () => {
  it.each([
    ['sync', 4, 4],
    ['group:2', 4, 2],
  ] as const)(
    '%s on %i devices: per BN layer one forward and one backward exchange of the modelled size',
    async (bnSync, devices, group) => {
      const input = base(bnSync, devices);
      const calls = await oneStep(input);
      const model = simulatedModel(parseConfig(input));
      const planned = bnCollectives(model, group);
      const moments = calls.filter((c) => c.kind === 'moments');
      const reductions = calls.filter((c) => c.kind === 'reductions');
      const plannedForward = planned.filter((c) => c.kind === 'bnForward');
      const plannedBackward = planned.filter((c) => c.kind === 'bnBackward');
      expect(moments).toHaveLength(3);
      expect(moments.length).toBe(plannedForward.length);
      expect(reductions.length).toBe(plannedBackward.length);
      // Forward: layers in forward order; backward: in reverse order, as PyTorch runs them.
      expect(moments.map((c) => c.valuesPerDevice[0]! - HEADER)).toEqual(
        plannedForward.map((c) => c.values),
      );
      expect(reductions.map((c) => c.valuesPerDevice[0]! - HEADER)).toEqual(
        plannedBackward.map((c) => c.values).reverse(),
      );
      for (const c of [...moments, ...reductions]) expect(c.valuesPerDevice).toHaveLength(devices);

      // The joined pass (one worker) exchanges no gradients; the devices one at a time do, and
      // their BN exchanges are the same calls.
      expect(calls.filter((c) => c.kind === 'gradients')).toEqual([]);
      const apart = await oneStep(input, false);
      expect(apart.filter((c) => c.kind !== 'gradients')).toEqual(calls);
      const gradients = apart.filter((c) => c.kind === 'gradients');
      expect(gradients).toHaveLength(1);
      const buckets = gradientBuckets(model, devices);
      expect(gradients[0]!.valuesPerDevice[0]).toBe(buckets.reduce((s, b) => s + b.values, 0));
      expect(calls.filter((c) => c.kind === 'buffers')).toEqual([]);

      // The entry's totals agree with the same counts (float32 bytes: values × 4).
      const r = costFor(input, devices);
      const mode = r.modes.find((m) => m.mode === bnSync)!;
      expect(mode.collectivesPerStep.bnForward).toBe(moments.length);
      expect(mode.collectivesPerStep.bnBackward).toBe(reductions.length);
      const sentForward = moments.reduce((s, c) => s + c.valuesPerDevice[0]! - HEADER, 0) * 4;
      expect(mode.bytesPerRank.bnForward.sent).toBe(sentForward);
      expect(mode.bytesPerRank.gradients.sent).toBe(gradients[0]!.valuesPerDevice[0]! * 4);
    },
  );

  it('a CNN on MNIST (BN over channels × positions), sync on 4 devices: the same per-layer sizes', async () => {
    const input: RunConfigInput = {
      seed: 1,
      dataset: { name: 'mnist', train: 256, test: 64, downsample: true },
      model: { preset: 'cnn', channels: [6, 10], norm: 'batch' },
      devices: 4,
      workers: 1,
      perDeviceBatch: 2,
      bnSync: 'sync',
      steps: 1,
    };
    const calls = await oneStep(input);
    const model = simulatedModel(parseConfig(input));
    const planned = bnCollectives(model, 4);
    expect(
      calls.filter((c) => c.kind === 'moments').map((c) => c.valuesPerDevice[0]! - HEADER),
    ).toEqual(planned.filter((c) => c.kind === 'bnForward').map((c) => c.values));
    expect(planned.filter((c) => c.kind === 'bnForward').map((c) => c.values)).toEqual([13, 21]);
    const gradients = (await oneStep(input, false)).filter((c) => c.kind === 'gradients');
    expect(gradients).toHaveLength(1);
    expect(gradients[0]!.valuesPerDevice[0]).toBe(
      gradientBuckets(model, 4).reduce((s, b) => s + b.values, 0),
    );
  });

  it('local BN: no BN exchange in the model; the simulator sends none either (runningStats rank0 broadcasts buffers: DDP broadcast_buffers, left out)', async () => {
    const input = base('local', 4);
    const calls = await oneStep(input, false);
    expect(calls.filter((c) => c.kind === 'moments' || c.kind === 'reductions')).toEqual([]);
    expect(bnCollectives(simulatedModel(parseConfig(input)), 1)).toEqual([]);
    expect(calls.filter((c) => c.kind === 'gradients')).toHaveLength(1);
    expect(new Set(calls.map((c) => c.kind))).toEqual(new Set(['gradients', 'buffers']));
    // Joined (one worker): no BN exchange either, and the gradients summed in the pass.
    const joined = await oneStep(input);
    expect(new Set(joined.map((c) => c.kind))).toEqual(new Set(['buffers']));
  });

  it("the simulated model's layer list is the simulator's: BN channels and parameters", () => {
    const model = simulatedModel(parseConfig(base('sync', 4)));
    expect(model.layers.filter((l) => l.bnChannels).map((l) => l.bnChannels)).toEqual([16, 12, 8]);
    // 2→16→12→8→classes with biases, plus γ, β per BN channel.
    const classes = model.layers.at(-1)!.params / 9; // fc_out: 8·classes + classes
    expect(model.layers.reduce((s, l) => s + l.params, 0)).toBe(
      2 * 16 + 16 + 16 * 12 + 12 + 12 * 8 + 8 + 2 * (16 + 12 + 8) + 9 * classes,
    );
  });
});
