import type { Buffer, Layer, Param, RunContext } from '../layer.ts';
import { type Tensor, TensorSlot } from '../tensor.ts';

export type ActivationFn = 'relu' | 'sigmoid' | 'tanh';

export interface ActivationOptions {
  readonly name: string;
  readonly fn: ActivationFn;
}

/**
 * Elementwise nonlinearity. Backward uses this layer's own output (y), never its input, since
 * all three derivatives are functions of y: relu' = [y > 0], σ' = y(1 − y), tanh' = 1 − y².
 */
export class Activation implements Layer {
  readonly kind = 'activation';
  readonly name: string;
  readonly fn: ActivationFn;
  private readonly out = new TensorSlot();
  private readonly dxSlot = new TensorSlot();
  private lastOut: Tensor | null = null;

  constructor(opts: ActivationOptions) {
    this.name = opts.name;
    this.fn = opts.fn;
    if (!['relu', 'sigmoid', 'tanh'].includes(opts.fn))
      throw new Error(`${this.name}: unknown fn ${opts.fn}`);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  params(): Param[] {
    return [];
  }

  buffers(): Buffer[] {
    return [];
  }

  forward(x: Tensor, _ctx: RunContext): Tensor {
    const y = this.out.get(x.shape);
    const xd = x.data;
    const yd = y.data;
    const n = xd.length;
    if (this.fn === 'relu') {
      for (let i = 0; i < n; i++) {
        const v = xd[i]!;
        yd[i] = v > 0 ? v : 0;
      }
    } else if (this.fn === 'sigmoid') {
      for (let i = 0; i < n; i++) yd[i] = 1 / (1 + Math.exp(-xd[i]!));
    } else {
      for (let i = 0; i < n; i++) yd[i] = Math.tanh(xd[i]!);
    }
    this.lastOut = y;
    return y;
  }

  backward(dy: Tensor, _ctx: RunContext): Tensor {
    const y = this.lastOut;
    if (!y) throw new Error(`${this.name}: backward before forward`);
    const dx = this.dxSlot.get(y.shape);
    const yd = y.data;
    const dyd = dy.data;
    const dxd = dx.data;
    const n = yd.length;
    if (this.fn === 'relu') {
      for (let i = 0; i < n; i++) dxd[i] = yd[i]! > 0 ? dyd[i]! : 0;
    } else if (this.fn === 'sigmoid') {
      for (let i = 0; i < n; i++) {
        const v = yd[i]!;
        dxd[i] = dyd[i]! * v * (1 - v);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const v = yd[i]!;
        dxd[i] = dyd[i]! * (1 - v * v);
      }
    }
    return dx;
  }
}
