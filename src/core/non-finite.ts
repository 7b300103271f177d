/** A value that is NaN or ±Infinity, located in a named parameter. */
export interface NonFiniteParam {
  /** The parameter's name, e.g. "fc1.weight". */
  readonly name: string;
  /** The layer it belongs to, e.g. "fc1". */
  readonly layer: string;
  /** Index of the first non-finite value within the parameter (flattened). */
  readonly index: number;
  readonly value: number;
}

/**
 * The first NaN or ±Infinity among `params`, in model order, or null. A full scan: call it only
 * once something non-finite was seen (a loss), never on every step.
 */
export function firstNonFiniteParam(
  params: readonly { readonly name: string; readonly value: Float32Array }[],
): NonFiniteParam | null {
  for (const p of params) {
    const v = p.value;
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i]!)) {
        const dot = p.name.lastIndexOf('.');
        return {
          name: p.name,
          layer: dot > 0 ? p.name.slice(0, dot) : p.name,
          index: i,
          value: v[i]!,
        };
      }
    }
  }
  return null;
}
