import { describe, expect, it } from 'vitest';
import { softmaxCrossEntropy } from '../../../src/core/loss.ts';
import { Rng } from '../../../src/core/rng.ts';
import { tensor, TensorSlot } from '../../../src/core/tensor.ts';
import { numericDerivative } from '../../helpers/gradcheck.ts';

describe('softmaxCrossEntropy', () => {
  it('hand example', () => {
    const logits = tensor([2, 3], Float32Array.of(1, 2, 3, 0, 0, 0));
    const { lossSum, correct, grad } = softmaxCrossEntropy(logits, Int32Array.of(2, 1), 2);
    const z = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(lossSum).toBeCloseTo(z - 3 + Math.log(3), 12);
    // Row 0's argmax is 2 (correct); row 1 ties everywhere, the first maximum (0) is taken.
    expect(correct).toBe(1);
    const p = [1, 2, 3].map((v) => Math.exp(v - z));
    const expected = [p[0]! / 2, p[1]! / 2, (p[2]! - 1) / 2, 1 / 6, (1 / 3 - 1) / 2, 1 / 6];
    for (const [i, v] of expected.entries()) expect(grad.data[i]).toBeCloseTo(v, 7);
  });

  it('is stable for huge logits', () => {
    const logits = tensor([1, 3], Float32Array.of(1e30, -1e30, 1e30 - 1e24));
    const { lossSum, grad } = softmaxCrossEntropy(logits, Int32Array.of(1), 1);
    expect(Number.isFinite(lossSum)).toBe(true);
    expect(lossSum).toBeCloseTo(2e30, -25);
    expect(grad.data.every(Number.isFinite)).toBe(true);
  });

  it('gradient matches central differences of lossSum / normalizer', () => {
    const n = 5;
    const k = 7;
    const labels = Int32Array.of(0, 6, 3, 3, 1);
    const z = Rng.stream(1, 'logits').fillNormal(new Float32Array(n * k), 2);
    const logits = tensor([n, k], z);
    const analytic = Float32Array.from(softmaxCrossEntropy(logits, labels, 4).grad.data);
    // lossSum is a float64, so the only errors are the ε² truncation (f''' of log-sum-exp is
    // ≤ 1, so ≤ 2e-5) and float32 rounding of the softmax gradient (~1e-7): tolerance 1e-4 absolute.
    const loss = () => softmaxCrossEntropy(logits, labels, 4).lossSum / 4;
    for (let i = 0; i < z.length; i++) {
      expect(Math.abs(numericDerivative(z, i, loss, 1e-2) - analytic[i]!)).toBeLessThan(1e-4);
    }
  });

  it('per-device gradients with the global normalizer sum to the global gradient', () => {
    const k = 4;
    const all = tensor([6, k], Rng.stream(2, 'logits').fillNormal(new Float32Array(6 * k)));
    const labels = Int32Array.of(0, 1, 2, 3, 0, 1);
    const whole = softmaxCrossEntropy(all, labels, 6);
    const a = softmaxCrossEntropy(tensor([2, k], all.data.slice(0, 2 * k)), labels.slice(0, 2), 6);
    const b = softmaxCrossEntropy(tensor([4, k], all.data.slice(2 * k)), labels.slice(2), 6);
    expect(a.lossSum + b.lossSum).toBeCloseTo(whole.lossSum, 12);
    expect([...a.grad.data, ...b.grad.data]).toEqual([...whole.grad.data]);
  });

  it('a batch of 0 gives zero loss and an empty gradient; bad labels throw', () => {
    const r = softmaxCrossEntropy(tensor([0, 10]), new Int32Array(0), 32);
    expect(r).toMatchObject({ lossSum: 0, correct: 0 });
    expect(r.grad.shape).toEqual([0, 10]);
    expect(() => softmaxCrossEntropy(tensor([1, 3]), Int32Array.of(3), 1)).toThrow(/label 3/);
    expect(() => softmaxCrossEntropy(tensor([2, 3]), Int32Array.of(0), 1)).toThrow(/1 labels/);
  });

  it('reuses the output slot', () => {
    const slot = new TensorSlot();
    const logits = tensor([2, 3], Float32Array.of(1, 2, 3, 4, 5, 6));
    const g1 = softmaxCrossEntropy(logits, Int32Array.of(0, 1), 2, slot).grad;
    const g2 = softmaxCrossEntropy(logits, Int32Array.of(2, 2), 2, slot).grad;
    expect(g2.data).toBe(g1.data);
  });
});
