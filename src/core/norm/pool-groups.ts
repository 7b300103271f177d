import { emptyMoments, type Moments } from './moments.ts';

/**
 * All groups of `m` merged into one per channel (Chan, in group order): the statistics of every
 * value the moments describe, as if they had been one batch. Empty groups are skipped.
 */
export function poolGroups(m: Moments, out: Moments = emptyMoments(1, m.channels)): Moments {
  const { groups, channels } = m;
  if (out.groups !== 1 || out.channels !== channels) {
    throw new Error(`poolGroups: output must be 1×${channels}, got ${out.groups}×${out.channels}`);
  }
  out.count[0] = 0;
  out.mean.fill(0);
  out.m2.fill(0);
  for (let g = 0; g < groups; g++) accumulateMoments(out, m, g);
  return out;
}

/** acc (one group) ← acc ∪ group g of part, by Chan's formula. */
export function accumulateMoments(acc: Moments, part: Moments, group = 0): void {
  const nb = part.count[group]!;
  if (nb === 0) return;
  const na = acc.count[0]!;
  const n = na + nb;
  const wb = nb / n;
  const wab = (na * nb) / n;
  const base = group * part.channels;
  for (let c = 0; c < acc.channels; c++) {
    const delta = part.mean[base + c]! - acc.mean[c]!;
    acc.mean[c] = acc.mean[c]! + delta * wb;
    acc.m2[c] = acc.m2[c]! + part.m2[base + c]! + delta * delta * wab;
  }
  acc.count[0] = n;
}
