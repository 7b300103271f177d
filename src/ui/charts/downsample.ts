import type uPlot from 'uplot';

/**
 * Fewer points to draw, the same picture: the x range is cut into `buckets` equal slices (at most
 * one per pixel column of the plot) and, in each slice, every series keeps its first and last
 * present point, its minimum and its maximum; and every missing value that follows a present one
 * is kept (so a gap stays a gap, and a sparse series such as eval every 25 steps keeps every point).
 * This is the M4 aggregation (Jugel et al., "M4: A Visualization-Oriented Time Series Data
 * Aggregation", VLDB 2014): a line through these points lights the same pixel columns from the same
 * lowest to the same highest value as the line through all of them, unlike keeping every n-th
 * point, which drops spikes. The series share one x column (uPlot's aligned data), so a slice keeps
 * the union of what each series needs, and every kept x carries every series' own value there.
 *
 * Returns `data` itself when there is nothing to gain (no more points than 4 per slice) or the x
 * column is not ascending finite numbers (then slices by value would not be slices by position).
 */
export function downsampleAligned(data: uPlot.AlignedData, buckets: number): uPlot.AlignedData {
  const xs = data[0] as ArrayLike<number>;
  const n = xs.length;
  const slices = Math.floor(buckets);
  if (!(slices >= 1) || n <= 4 * slices) return data;
  const first = xs[0]!;
  const last = xs[n - 1]!;
  if (!Number.isFinite(first) || !Number.isFinite(last) || !(last > first)) return data;
  for (let i = 1; i < n; i++) if (!(xs[i]! >= xs[i - 1]!)) return data;

  const keep = new Uint8Array(n);
  const scale = slices / (last - first);
  const sliceOf = (x: number): number => Math.min(slices - 1, Math.floor((x - first) * scale));
  for (let s = 1; s < data.length; s++) {
    const ys = data[s] as ArrayLike<number | null | undefined>;
    markSeries(xs, ys, sliceOf, keep);
  }
  let count = 0;
  for (let i = 0; i < n; i++) count += keep[i]!;
  if (count === n) return data;
  const indices = new Uint32Array(count);
  for (let i = 0, at = 0; i < n; i++) if (keep[i]) indices[at++] = i;
  return data.map((column) => {
    const c = column as ArrayLike<number | null | undefined>;
    return Array.from(indices, (i) => c[i] ?? null);
  }) as uPlot.AlignedData;
}

/** Marks one series' first, last, min and max in each slice, and where each of its gaps starts. */
function markSeries(
  xs: ArrayLike<number>,
  ys: ArrayLike<number | null | undefined>,
  sliceOf: (x: number) => number,
  keep: Uint8Array,
): void {
  let slice = -1;
  let firstAt = -1;
  let lastAt = -1;
  let minAt = -1;
  let maxAt = -1;
  let present = false;
  const flush = (): void => {
    if (firstAt < 0) return;
    keep[firstAt] = 1;
    keep[lastAt] = 1;
    keep[minAt] = 1;
    keep[maxAt] = 1;
  };
  for (let i = 0; i < xs.length; i++) {
    const at = sliceOf(xs[i]!);
    if (at !== slice) {
      flush();
      slice = at;
      firstAt = lastAt = minAt = maxAt = -1;
    }
    const y = ys[i];
    if (y === null || y === undefined || !Number.isFinite(y)) {
      if (present) keep[i] = 1; // a gap starts here
      present = false;
      continue;
    }
    present = true;
    if (firstAt < 0) {
      firstAt = minAt = maxAt = i;
    } else {
      if (y < (ys[minAt] as number)) minAt = i;
      if (y > (ys[maxAt] as number)) maxAt = i;
    }
    lastAt = i;
  }
  flush();
}
