import { ConfigError } from '../config-error.ts';
import type { Layer } from '../layer.ts';
import { BatchNorm } from '../norm/batch-norm.ts';
import { BatchRenorm } from '../norm/batch-renorm.ts';
import { GhostBatchNorm } from '../norm/ghost-batch-norm.ts';
import { GroupNorm } from '../norm/group-norm.ts';
import { InstanceNorm } from '../norm/instance-norm.ts';
import { LayerNorm } from '../norm/layer-norm.ts';
import { SpectralNorm } from '../norm/spectral-norm.ts';
import { WeightNorm } from '../norm/weight-norm.ts';
import type { WeightedLayer } from '../norm/weighted-layer.ts';
import type { Rng } from '../rng.ts';
import type { NormKind, NormOptions } from './options.ts';

/** Layer-name prefixes: "bn1" follows "fc1" (or "conv1"). */
const PREFIX: Record<Exclude<NormKind, 'weight' | 'spectral' | 'none'>, string> = {
  batch: 'bn',
  ghost: 'gbn',
  renorm: 'brn',
  group: 'gn',
  layer: 'ln',
  instance: 'in',
};

export interface NormSite {
  /** 1-based block index, shared with the preceding Dense/Conv2d ("fc2" → "bn2"). */
  readonly index: number;
  /** Features (dense) or channels (conv) to normalize. */
  readonly channels: number;
  /** Whether the activations have spatial dimensions (conv) or are plain features (dense). */
  readonly spatial: boolean;
  /** The layer being normalized, for error messages ("fc2", "conv1"). */
  readonly after: string;
}

/** The norm layer that follows a hidden Dense/Conv2d, or null for none / weight / spectral. */
export function makeNormLayer(kind: NormKind, o: NormOptions, site: NormSite): Layer | null {
  const { channels, index } = site;
  const batchOptions = {
    channels,
    eps: o.eps,
    momentum: o.momentum,
    affine: o.affine,
    trackRunningStats: o.trackRunningStats,
  };
  switch (kind) {
    case 'none':
    case 'weight':
    case 'spectral':
      return null;
    case 'batch':
      return new BatchNorm({ name: `${PREFIX.batch}${index}`, ...batchOptions });
    case 'ghost':
      return new GhostBatchNorm({
        name: `${PREFIX.ghost}${index}`,
        ...batchOptions,
        virtualBatch: o.virtualBatch,
      });
    case 'renorm':
      return new BatchRenorm({
        name: `${PREFIX.renorm}${index}`,
        ...batchOptions,
        rmax: o.rmax,
        dmax: o.dmax,
        warmup: o.renormWarmup,
        ramp: o.renormRamp,
      });
    case 'group':
      if (channels % o.groups !== 0) {
        throw new ConfigError(
          `model.normOptions.groups: ${o.groups} groups do not divide the ${channels} ${unit(site)} of ${site.after}; ` +
            `use a divisor of ${channels} (e.g. ${divisors(channels).join(', ')})`,
          {
            code: 'groups-not-dividing',
            path: 'model.normOptions.groups',
            groups: o.groups,
            channels,
            spatial: site.spatial,
            after: site.after,
            divisors: divisors(channels),
          },
        );
      }
      return new GroupNorm({
        name: `${PREFIX.group}${index}`,
        channels,
        groups: o.groups,
        eps: o.eps,
        affine: o.affine,
      });
    case 'layer':
      return new LayerNorm({
        name: `${PREFIX.layer}${index}`,
        channels,
        eps: o.eps,
        affine: o.affine,
      });
    case 'instance':
      if (!site.spatial) {
        throw new ConfigError(
          `model.norm: "instance" needs spatial dimensions (it normalizes each channel of each sample over height × width), ` +
            `but ${site.after} outputs plain features; use the "cnn" preset, or "layer" or "group" norm`,
          { code: 'instance-needs-spatial', path: 'model.norm', after: site.after },
        );
      }
      // Each sample by its own statistics in every mode (Ulyanov et al.; PyTorch's default), so
      // normOptions.trackRunningStats, meant for the batch-statistic norms, does not apply here.
      return new InstanceNorm({
        name: `${PREFIX.instance}${index}`,
        channels,
        eps: o.eps,
        affine: o.affine,
        trackRunningStats: false,
      });
  }
}

/**
 * For 'weight' and 'spectral': the hidden Dense/Conv2d wrapped in its reparametrization, under
 * the inner layer's name, so parameters read "fc1.weight_v", "fc1.bias".
 */
export function wrapLayer(kind: NormKind, inner: WeightedLayer, rng: Rng): Layer {
  if (kind === 'weight') return new WeightNorm({ name: inner.name, inner });
  if (kind === 'spectral') return new SpectralNorm({ name: inner.name, inner, rng });
  return inner;
}

function unit(site: NormSite): string {
  return site.spatial ? 'channels' : 'features';
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n && out.length < 6; d++) if (n % d === 0) out.push(d);
  return out;
}
