import { emptyMoments, emptyReductions, type Moments, type Reductions } from './moments.ts';

/**
 * Merge moments in the given order with Chan's parallel formula (as PyTorch's SyncBatchNorm
 * does after its all_gather). Parts with count 0 are skipped, so an empty device changes nothing.
 * All parts must have the same channels; a part with fewer groups (Ghost BN on a shorter shard)
 * counts as empty in the groups it lacks. One device is a merge of one.
 */
export function mergeMoments(parts: readonly Moments[], out?: Moments): Moments {
  const first = parts[0];
  if (!first) throw new Error('mergeMoments: nothing to merge');
  const channels = first.channels;
  let groups = 0;
  for (const part of parts) groups = Math.max(groups, part.groups);
  const result = out ?? emptyMoments(groups, channels);
  result.count.fill(0);
  result.mean.fill(0);
  result.m2.fill(0);
  if (result.groups !== groups || result.channels !== channels) {
    throw new Error(
      `mergeMoments: output holds ${result.groups}×${result.channels}, need ${groups}×${channels}`,
    );
  }
  for (const part of parts) {
    if (part.channels !== channels) {
      throw new Error(`mergeMoments: channel mismatch (${part.channels} vs ${channels})`);
    }
    for (let g = 0; g < part.groups; g++) {
      const nb = part.count[g]!;
      if (nb === 0) continue;
      const na = result.count[g]!;
      const n = na + nb;
      const wb = nb / n;
      const wab = (na * nb) / n;
      const base = g * channels;
      for (let c = base; c < base + channels; c++) {
        const delta = part.mean[c]! - result.mean[c]!;
        result.mean[c] = result.mean[c]! + delta * wb;
        result.m2[c] = result.m2[c]! + part.m2[c]! + delta * delta * wab;
      }
      result.count[g] = n;
    }
  }
  return result;
}

/**
 * Element-wise sum of reductions in the given order (fixed order: results never depend on timing).
 * A part with fewer groups contributes zeros to the groups it lacks.
 */
export function sumReductions(parts: readonly Reductions[], out?: Reductions): Reductions {
  const first = parts[0];
  if (!first) throw new Error('sumReductions: nothing to sum');
  let groups = 0;
  for (const part of parts) groups = Math.max(groups, part.groups);
  const result = out ?? emptyReductions(groups, first.channels);
  result.sumDy.fill(0);
  result.sumDyXhat.fill(0);
  for (const part of parts) {
    if (part.channels !== result.channels || part.groups > result.groups) {
      throw new Error('sumReductions: layout mismatch between devices');
    }
    for (let i = 0; i < part.sumDy.length; i++) {
      result.sumDy[i] = result.sumDy[i]! + part.sumDy[i]!;
      result.sumDyXhat[i] = result.sumDyXhat[i]! + part.sumDyXhat[i]!;
    }
  }
  return result;
}

/** Biased variance M2/N of one group and channel (0 when empty). */
export function biasedVariance(m: Moments, index: number, group = 0): number {
  const n = m.count[group]!;
  return n > 0 ? m.m2[index]! / n : 0;
}
