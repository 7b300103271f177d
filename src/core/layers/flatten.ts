import type { Buffer, Layer, Param, RunContext } from '../layer.ts';
import { batchOf, featuresOf, type Tensor } from '../tensor.ts';

export interface FlattenOptions {
  readonly name: string;
}

/** [N, ...] → [N, prod(...)], sharing the data (no copy). */
export class Flatten implements Layer {
  readonly kind = 'flatten';
  readonly name: string;
  private inputShape: readonly number[] = [];
  private lastOut: Tensor | null = null;
  private lastDx: Tensor | null = null;

  constructor(opts: FlattenOptions) {
    this.name = opts.name;
  }

  outputShape(inputShape: readonly number[]): number[] {
    let f = 1;
    for (const d of inputShape) f *= d;
    return [f];
  }

  params(): Param[] {
    return [];
  }

  buffers(): Buffer[] {
    return [];
  }

  forward(x: Tensor, _ctx: RunContext): Tensor {
    this.inputShape = x.shape;
    const shape = [batchOf(x), featuresOf(x)];
    this.lastOut = view(this.lastOut, x.data, shape);
    return this.lastOut;
  }

  backward(dy: Tensor, _ctx: RunContext): Tensor {
    if (dy.data.length !== this.lastOut?.data.length) {
      throw new Error(
        `${this.name}: dy has ${dy.data.length} values, expected ${this.lastOut?.data.length ?? 0}`,
      );
    }
    this.lastDx = view(this.lastDx, dy.data, this.inputShape);
    return this.lastDx;
  }
}

/** A tensor over `data` with `shape`, reusing `prev` when it already is one. */
function view(prev: Tensor | null, data: Float32Array, shape: readonly number[]): Tensor {
  if (prev && prev.data === data && sameDims(prev.shape, shape)) return prev;
  return { shape: [...shape], data };
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
