/** How the spread across devices is drawn: their min to max, or their mean ± one standard deviation. */
export type BandKind = 'minmax' | 'std';

export interface Band {
  /** Per step: the lower edge, the mean over devices and the upper edge; null where no device reported. */
  readonly lo: (number | null)[];
  readonly mid: (number | null)[];
  readonly hi: (number | null)[];
}

/**
 * One band from per-device columns ([device][step]), step by step over the devices that reported.
 * 'std' uses the population standard deviation (over the devices present, divided by their count).
 */
export function deviceBand(columns: readonly (readonly (number | null)[])[], kind: BandKind): Band {
  const n = columns.reduce((m, c) => Math.max(m, c.length), 0);
  const lo = new Array<number | null>(n).fill(null);
  const mid = new Array<number | null>(n).fill(null);
  const hi = new Array<number | null>(n).fill(null);
  for (let s = 0; s < n; s++) {
    let count = 0;
    let sum = 0;
    let sumSq = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const column of columns) {
      const v = column[s];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      count++;
      sum += v;
      sumSq += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (count === 0) continue;
    const mean = sum / count;
    mid[s] = mean;
    if (kind === 'minmax') {
      lo[s] = min;
      hi[s] = max;
    } else {
      const std = Math.sqrt(Math.max(0, sumSq / count - mean * mean));
      lo[s] = mean - std;
      hi[s] = mean + std;
    }
  }
  return { lo, mid, hi };
}
