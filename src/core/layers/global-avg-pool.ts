import type { Buffer, Layer, Param, RunContext } from '../layer.ts';
import { batchOf, type Tensor, TensorSlot } from '../tensor.ts';

export interface GlobalAvgPoolOptions {
  readonly name: string;
}

/** Mean over H×W of each channel: [N, C, H, W] → [N, C]. */
export class GlobalAvgPool implements Layer {
  readonly kind = 'global-avg-pool';
  readonly name: string;
  private readonly out = new TensorSlot();
  private readonly dxSlot = new TensorSlot();
  private inputShape: readonly number[] = [];

  constructor(opts: GlobalAvgPoolOptions) {
    this.name = opts.name;
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 3) {
      throw new Error(
        `${this.name}: expects per-sample shape [C, H, W], got [${inputShape.join(', ')}]`,
      );
    }
    return [inputShape[0]!];
  }

  params(): Param[] {
    return [];
  }

  buffers(): Buffer[] {
    return [];
  }

  forward(x: Tensor, _ctx: RunContext): Tensor {
    const [c] = this.outputShape(x.shape.slice(1)) as [number];
    const n = batchOf(x);
    const hw = x.shape[2]! * x.shape[3]!;
    const y = this.out.get([n, c]);
    const xd = x.data;
    const yd = y.data;
    for (let p = 0; p < n * c; p++) {
      let s = 0;
      for (let t = p * hw, end = t + hw; t < end; t++) s += xd[t]!;
      yd[p] = s / hw;
    }
    this.inputShape = x.shape;
    return y;
  }

  backward(dy: Tensor, _ctx: RunContext): Tensor {
    const dx = this.dxSlot.get(this.inputShape);
    const hw = this.inputShape[2]! * this.inputShape[3]!;
    const dxd = dx.data;
    const dyd = dy.data;
    for (let p = 0; p < dyd.length; p++) dxd.fill(dyd[p]! / hw, p * hw, (p + 1) * hw);
    return dx;
  }
}
