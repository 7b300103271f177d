import { batchOf, type Tensor, TensorSlot } from './tensor.ts';

export interface LossResult {
  /** Σ over samples of −log softmax(logits)[label], in float64. */
  readonly lossSum: number;
  /** Samples whose argmax (first maximum on ties) equals the label. */
  readonly correct: number;
  /** (softmax − onehot) / normalizer, shaped like the logits. */
  readonly grad: Tensor;
}

/**
 * Softmax cross-entropy on logits [N, classes]. `normalizer` divides the gradient: the distributed
 * engine passes the GLOBAL batch size so per-device gradients sum to the global mean loss's.
 * The softmax is computed in float64 after subtracting each row's maximum.
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  labels: Int32Array,
  normalizer: number,
  out?: TensorSlot,
): LossResult {
  if (logits.shape.length !== 2)
    throw new Error(
      `softmaxCrossEntropy: logits must be [N, classes], got [${logits.shape.join(', ')}]`,
    );
  const n = batchOf(logits);
  const k = logits.shape[1]!;
  if (labels.length !== n)
    throw new Error(`softmaxCrossEntropy: ${labels.length} labels for ${n} samples`);
  if (n > 0 && !(normalizer > 0))
    throw new Error(`softmaxCrossEntropy: normalizer must be > 0, got ${normalizer}`);
  const grad = (out ?? new TensorSlot()).get([n, k]);
  const z = logits.data;
  const g = grad.data;
  const scale = 1 / normalizer;
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = i * k;
    const label = labels[i]!;
    if (!(label >= 0 && label < k))
      throw new Error(`softmaxCrossEntropy: label ${label} out of [0, ${k})`);
    let max = z[row]!;
    let arg = 0;
    for (let j = 1; j < k; j++) {
      const v = z[row + j]!;
      if (v > max) {
        max = v;
        arg = j;
      }
    }
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(z[row + j]! - max);
    const logSum = Math.log(sum);
    lossSum += logSum - (z[row + label]! - max);
    if (arg === label) correct++;
    for (let j = 0; j < k; j++) {
      const p = Math.exp(z[row + j]! - max - logSum);
      g[row + j] = (p - (j === label ? 1 : 0)) * scale;
    }
  }
  return { lossSum, correct, grad };
}
