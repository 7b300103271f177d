/**
 * A tensor is a flat Float32Array with a shape. Images are NCHW; dense activations are [N, F].
 * Layers own and reuse their output tensors between calls (hot loops allocate nothing), so a caller
 * that needs a result beyond the next call must copy it.
 */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensor(shape: readonly number[], data?: Float32Array): Tensor {
  const size = sizeOf(shape);
  if (data && data.length !== size) {
    throw new Error(`tensor: shape [${shape.join(', ')}] needs ${size} values, got ${data.length}`);
  }
  return { shape: [...shape], data: data ?? new Float32Array(size) };
}

/** Number of samples (the leading dimension). */
export function batchOf(t: Tensor): number {
  return t.shape[0] ?? 0;
}

/** Per-sample size: product of all dimensions after the first. */
export function featuresOf(t: Tensor): number {
  return sizeOf(t.shape.slice(1));
}

/**
 * A reusable output slot: returns a tensor of the requested shape, reallocating only when the
 * size changes (the batch size of the last shard of an epoch, a device with fewer samples).
 */
export class TensorSlot {
  private backing = new Float32Array(0);
  private current: Tensor | null = null;

  get(shape: readonly number[]): Tensor {
    const size = sizeOf(shape);
    const cur = this.current;
    if (cur && cur.data.length === size && sameShape(cur.shape, shape)) return cur;
    if (this.backing.length < size) this.backing = new Float32Array(size);
    this.current = { shape: [...shape], data: this.backing.subarray(0, size) };
    return this.current;
  }
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
