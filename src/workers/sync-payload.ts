import type { Moments, Reductions } from '../core/norm/moments.ts';

/**
 * Flat float64 payloads for the collectives: moments as [count(G) | mean(G·C) | m2(G·C)] plus a
 * two-number header (groups, channels) so a receiver can check the layout it was sent.
 */
export function packMoments(m: Moments): Float64Array {
  const out = new Float64Array(2 + m.groups + 2 * m.groups * m.channels);
  out[0] = m.groups;
  out[1] = m.channels;
  out.set(m.count, 2);
  out.set(m.mean, 2 + m.groups);
  out.set(m.m2, 2 + m.groups + m.groups * m.channels);
  return out;
}

export function unpackMoments(p: Float64Array): Moments {
  const groups = p[0]!;
  const channels = p[1]!;
  const gc = groups * channels;
  return {
    groups,
    channels,
    count: p.subarray(2, 2 + groups),
    mean: p.subarray(2 + groups, 2 + groups + gc),
    m2: p.subarray(2 + groups + gc, 2 + groups + 2 * gc),
  };
}

export function packReductions(r: Reductions): Float64Array {
  const gc = r.groups * r.channels;
  const out = new Float64Array(2 + 2 * gc);
  out[0] = r.groups;
  out[1] = r.channels;
  out.set(r.sumDy, 2);
  out.set(r.sumDyXhat, 2 + gc);
  return out;
}

export function unpackReductions(p: Float64Array): Reductions {
  const groups = p[0]!;
  const channels = p[1]!;
  const gc = groups * channels;
  return {
    groups,
    channels,
    sumDy: p.subarray(2, 2 + gc),
    sumDyXhat: p.subarray(2 + gc, 2 + 2 * gc),
  };
}

/** The largest moments payload a layer of `channels` channels in `groups` groups produces. */
export function momentsPayloadLength(groups: number, channels: number): number {
  return 2 + groups + 2 * groups * channels;
}
