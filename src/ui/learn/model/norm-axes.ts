/**
 * Step 6's figure: which values of an N×C×H×W activation block each normalization averages over
 * (Wu & He 2018, Fig. 2). Every norm averages over H and W; they differ in N and C:
 * BN over N (one mean per channel), LN over C (one mean per sample), IN over neither (one per
 * sample and channel), GN over the channels of one group (one per sample and group).
 */
export const FIGURE_NORMS = ['batch', 'layer', 'instance', 'group'] as const;
export type FigureNorm = (typeof FIGURE_NORMS)[number];

export type Axis = 'N' | 'C' | 'H' | 'W';

/** The axes one mean and variance span (`C` for GroupNorm: only within the group). */
export function averagedAxes(norm: FigureNorm): readonly Axis[] {
  switch (norm) {
    case 'batch':
      return ['N', 'H', 'W'];
    case 'layer':
      return ['C', 'H', 'W'];
    case 'instance':
      return ['H', 'W'];
    case 'group':
      return ['C', 'H', 'W'];
  }
}

export interface BlockShape {
  readonly n: number;
  readonly c: number;
  /** GroupNorm's groups (must divide c). */
  readonly groups: number;
}

/**
 * The (sample, channel) cells whose values share one mean and variance with cell (n0, c0),
 * each over all of its H×W positions: `set[n][c]`.
 */
export function sharedCells(
  norm: FigureNorm,
  shape: BlockShape,
  n0: number,
  c0: number,
): boolean[][] {
  if (shape.c % shape.groups !== 0) {
    throw new Error(`GroupNorm's groups (${shape.groups}) must divide the channels (${shape.c})`);
  }
  const perGroup = shape.c / shape.groups;
  const group = (c: number) => Math.floor(c / perGroup);
  const inSet = (n: number, c: number): boolean => {
    switch (norm) {
      case 'batch':
        return c === c0;
      case 'layer':
        return n === n0;
      case 'instance':
        return n === n0 && c === c0;
      case 'group':
        return n === n0 && group(c) === group(c0);
    }
  };
  return Array.from({ length: shape.n }, (_, n) =>
    Array.from({ length: shape.c }, (_, c) => inSet(n, c)),
  );
}

/** How many (sample, channel) cells one statistic spans (times H×W for the values). */
export function cellsPerStatistic(norm: FigureNorm, shape: BlockShape): number {
  return sharedCells(norm, shape, 0, 0)
    .flat()
    .filter((x) => x).length;
}
