/** uPlot draws gaps for null; NaN or ±Infinity (a diverged loss) would break its auto-ranging. */
export function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A column of `length` nulls, filled by the shapers where data exists. */
export function nullColumn(length: number): (number | null)[] {
  return new Array<number | null>(length).fill(null);
}

/** The last non-null entry of a column, with its index; null when there is none. */
export function lastPresent(
  column: readonly (number | null)[],
): { readonly index: number; readonly value: number } | null {
  for (let i = column.length - 1; i >= 0; i--) {
    const v = column[i];
    if (v !== null && v !== undefined) return { index: i, value: v };
  }
  return null;
}

/**
 * The named BN layer's telemetry; an empty name picks the first layer recorded (the app can show a
 * chart before the user chose a layer). Null when there is no such layer.
 */
export function pickLayer<L>(
  bn: Readonly<Record<string, L>>,
  layer: string,
): { readonly name: string; readonly data: L } | null {
  const name = layer || Object.keys(bn)[0];
  if (name === undefined || !Object.hasOwn(bn, name)) return null;
  const data = bn[name];
  return data === undefined ? null : { name, data };
}
