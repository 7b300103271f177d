import type { LayerSpec } from '../model-spec.ts';

/**
 * Walks an architecture definition layer by layer, tracking the feature map (channels, height,
 * width) so that every layer's parameters and multiply–accumulates follow from its definition:
 *
 *   conv k×k, Cin → Cout, stride s, groups G, padding ⌊k/2⌋:
 *     H' = ⌈H / s⌉ (PyTorch's ⌊(H + 2⌊k/2⌋ − k)/s⌋ + 1 for odd k),
 *     params = Cout·(Cin/G)·k² (no bias: a BN follows),
 *     MACs   = params · H'·W'
 *   BN over C channels: params = 2C (γ, β); MACs counted as 0 (elementwise, negligible)
 *   linear Cin → Cout: params = Cin·Cout + Cout, MACs = Cin·Cout
 *   max-pool k, stride s, padding p: H' = ⌊(H + 2p − k)/s⌋ + 1
 */
export interface FeatureMap {
  channels: number;
  height: number;
  width: number;
}

export class ArchitectureBuilder {
  readonly layers: LayerSpec[] = [];

  constructor(public map: FeatureMap) {}

  /** A fresh builder at another feature map (a branch, e.g. a shortcut or an FPN level). */
  branch(map: FeatureMap = { ...this.map }): ArchitectureBuilder {
    const b = new ArchitectureBuilder({ ...map });
    return b;
  }

  /** Append a branch's layers to this one (they run in this network too). */
  absorb(other: ArchitectureBuilder): void {
    this.layers.push(...other.layers);
  }

  conv(name: string, out: number, kernel: number, stride = 1, groups = 1, bias = false): this {
    const { channels, height, width } = this.map;
    const pad = Math.floor(kernel / 2);
    const h = Math.floor((height + 2 * pad - kernel) / stride) + 1;
    const w = Math.floor((width + 2 * pad - kernel) / stride) + 1;
    const weights = out * (channels / groups) * kernel * kernel;
    this.layers.push({
      name,
      params: weights + (bias ? out : 0),
      macs: weights * h * w,
    });
    this.map = { channels: out, height: h, width: w };
    return this;
  }

  bn(name: string): this {
    const c = this.map.channels;
    this.layers.push({ name, params: 2 * c, macs: 0, bnChannels: c });
    return this;
  }

  /** conv then BN: the unit every architecture here is made of. */
  convBn(name: string, out: number, kernel: number, stride = 1, groups = 1): this {
    return this.conv(`${name}.conv`, out, kernel, stride, groups).bn(`${name}.bn`);
  }

  maxPool(kernel: number, stride: number, padding: number): this {
    const { channels, height, width } = this.map;
    this.map = {
      channels,
      height: Math.floor((height + 2 * padding - kernel) / stride) + 1,
      width: Math.floor((width + 2 * padding - kernel) / stride) + 1,
    };
    return this;
  }

  globalPool(): this {
    this.map = { channels: this.map.channels, height: 1, width: 1 };
    return this;
  }

  linear(name: string, out: number): this {
    const cin = this.map.channels * this.map.height * this.map.width;
    this.layers.push({ name, params: cin * out + out, macs: cin * out });
    this.map = { channels: out, height: 1, width: 1 };
    return this;
  }
}
