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
  const [groups, channels] = header(p, 'moments', (g, gc) => 2 + g + 2 * gc);
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
  const [groups, channels] = header(p, 'reductions', (_g, gc) => 2 + 2 * gc);
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

/**
 * The [groups, channels] header of a payload that came from another device, checked against the
 * payload's length (which may be longer: the shared-memory transport hands over whole slots). A
 * short or torn payload would otherwise unpack as silently wrong statistics.
 */
function header(
  p: Float64Array,
  what: string,
  lengthFor: (groups: number, groupsTimesChannels: number) => number,
): [groups: number, channels: number] {
  const [groups, channels] = p;
  const needed =
    groups === undefined || channels === undefined ? 2 : lengthFor(groups, groups * channels);
  if (groups === undefined || channels === undefined || !(p.length >= needed)) {
    throw new Error(
      `sync payload (${what}): ${p.length} values, its header [${groups}, ${channels}] needs ${needed}`,
    );
  }
  return [groups, channels];
}
