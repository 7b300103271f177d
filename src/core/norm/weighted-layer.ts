import type { Layer, Param } from '../layer.ts';

/**
 * What WeightNorm and SpectralNorm need of the layer they wrap (Dense: weight [out, in];
 * Conv2d: weight [outC, inC, k, k]; both read weight.value on every forward and write
 * weight.grad on every backward). Row o of the weight, flattened, belongs to output unit o.
 */
export interface WeightedLayer extends Layer {
  readonly weight: Param;
  readonly bias: Param | null;
}

/** Output units and values per unit of a weight shaped [out, ...]. */
export function weightRows(weight: Param): { rows: number; cols: number } {
  const rows = weight.shape[0] ?? 0;
  return { rows, cols: rows > 0 ? weight.value.length / rows : 0 };
}
