import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../src/core/layer.ts';
import { BatchNorm } from '../../../src/core/norm/batch-norm.ts';
import { GhostBatchNorm } from '../../../src/core/norm/ghost-batch-norm.ts';
import { Rng } from '../../../src/core/rng.ts';
import { type Tensor, tensor } from '../../../src/core/tensor.ts';
import { concat, copy, scaledError, slice, syncStep } from './helpers.ts';

const TRAIN: RunContext = { mode: 'training', step: 0 };

function randn(shape: number[], seed: number): Tensor {
  return tensor(
    shape,
    Rng.stream(seed, 'ghost').fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1)), 2, 1),
  );
}

function withAffine<T extends BatchNorm>(l: T): T {
  l.gamma!.value.set([0.7, 1.4, -0.5]);
  l.beta!.value.set([0.1, -0.3, 0.2]);
  return l;
}

describe('GhostBatchNorm', () => {
  it('equals BatchNorm applied to each virtual batch (8 samples in 3, 3, 2): output, input and γ/β grads', () => {
    const x = randn([8, 3, 2, 1], 1);
    const dy = randn([8, 3, 2, 1], 2);
    const ghost = withAffine(new GhostBatchNorm({ name: 'g', channels: 3, virtualBatch: 3 }));
    const y = copy(ghost.forward(x, TRAIN));
    const dx = copy(ghost.backward(dy, TRAIN));
    const cuts = [0, 3, 6, 8];
    const gGrad = new Float64Array(3);
    const ys: Tensor[] = [];
    const dxs: Tensor[] = [];
    for (let i = 0; i < 3; i++) {
      const bn = withAffine(new BatchNorm({ name: 'b', channels: 3 }));
      ys.push(copy(bn.forward(slice(x, cuts[i]!, cuts[i + 1]!), TRAIN)));
      dxs.push(copy(bn.backward(slice(dy, cuts[i]!, cuts[i + 1]!), TRAIN)));
      for (let c = 0; c < 3; c++) gGrad[c] = gGrad[c]! + bn.gamma!.grad[c]!;
    }
    expect(scaledError(y.data, concat(ys).data)).toBeLessThan(1e-6);
    expect(scaledError(dx.data, concat(dxs).data)).toBeLessThan(1e-6);
    expect(scaledError(ghost.gamma!.grad, gGrad)).toBeLessThan(1e-6);
  });

  it('under sync, virtual batch g of every device merges with virtual batch g of the others', () => {
    // Two devices, 4 samples each, virtual batch 2: global groups {a0,a1,b0,b1} and {a2,a3,b2,b3}.
    const a = randn([4, 3], 3);
    const b = randn([4, 3], 4);
    const da = randn([4, 3], 5);
    const db = randn([4, 3], 6);
    const devices = [0, 1].map(() =>
      withAffine(new GhostBatchNorm({ name: 'g', channels: 3, virtualBatch: 2 })),
    );
    const { ys, dxs } = syncStep(devices, [a, b], [da, db], TRAIN);
    for (let g = 0; g < 2; g++) {
      const bn = withAffine(new BatchNorm({ name: 'b', channels: 3 }));
      const joint = concat([slice(a, 2 * g, 2 * g + 2), slice(b, 2 * g, 2 * g + 2)]);
      const jointDy = concat([slice(da, 2 * g, 2 * g + 2), slice(db, 2 * g, 2 * g + 2)]);
      const y = copy(bn.forward(joint, TRAIN));
      const dx = copy(bn.backward(jointDy, TRAIN));
      const got = concat([slice(ys[0]!, 2 * g, 2 * g + 2), slice(ys[1]!, 2 * g, 2 * g + 2)]);
      const gotDx = concat([slice(dxs[0]!, 2 * g, 2 * g + 2), slice(dxs[1]!, 2 * g, 2 * g + 2)]);
      expect(scaledError(got.data, y.data)).toBeLessThan(1e-6);
      expect(scaledError(gotDx.data, dx.data)).toBeLessThan(1e-6);
    }
  });

  it('running statistics: one update per pass from all virtual batches pooled (= BatchNorm on the batch)', () => {
    const ghost = new GhostBatchNorm({ name: 'g', channels: 3, virtualBatch: 3, momentum: null });
    const bn = new BatchNorm({ name: 'b', channels: 3, momentum: null });
    for (let step = 0; step < 3; step++) {
      const x = randn([7, 3, 2, 2], 10 + step);
      ghost.forward(x, TRAIN);
      bn.forward(x, TRAIN);
    }
    const [gm, gv, gn] = ghost.buffers();
    const [bm, bv, bnb] = bn.buffers();
    expect(scaledError(gm!.value, bm!.value)).toBeLessThan(1e-6);
    expect(scaledError(gv!.value, bv!.value)).toBeLessThan(1e-6);
    expect(gn!.value[0]).toBe(3);
    expect(bnb!.value[0]).toBe(3);
    // Eval uses them as BatchNorm does.
    const xe = randn([5, 3, 2, 2], 20);
    const ctx: RunContext = { mode: 'eval-running', step: 0 };
    expect(Array.from(ghost.forward(xe, ctx).data)).toEqual(Array.from(bn.forward(xe, ctx).data));
  });

  it('a virtual batch with one value per channel throws, naming the virtual batch', () => {
    const ghost = new GhostBatchNorm({ name: 'g1', channels: 3, virtualBatch: 3 });
    expect(() => ghost.forward(randn([7, 3], 1), TRAIN)).toThrow(
      /g1: Expected more than 1 value per channel when training, got input size \[7, 3\] \(virtual batch 2 of the merged batch has 1 value per channel\)/,
    );
  });

  it('an empty device sends one empty group: merges with a device of one virtual batch, no NaN', () => {
    const devices = [0, 1].map(
      () => new GhostBatchNorm({ name: 'g', channels: 3, virtualBatch: 4 }),
    );
    const { ys, dxs } = syncStep(
      devices,
      [tensor([0, 3]), randn([3, 3], 2)],
      [tensor([0, 3]), randn([3, 3], 3)],
      TRAIN,
    );
    expect(ys[0]!.data.length).toBe(0);
    expect(dxs[0]!.data.length).toBe(0);
    expect(Array.from(devices[0]!.gamma!.grad)).toEqual([0, 0, 0]);
    expect(ys[1]!.data.every(Number.isFinite)).toBe(true);
    for (const d of devices)
      for (const b of d.buffers()) expect(b.value.every(Number.isFinite)).toBe(true);
  });
});
