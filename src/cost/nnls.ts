/**
 * Non-negative least squares for the calibration's few parameters: min ‖A·x − b‖² with x ≥ 0,
 * solved exactly by trying every subset of free variables (2ⁿ normal-equation systems; n = 4).
 * Rows are { row: A's row, target: b's entry }.
 */
export interface LsqRow {
  readonly row: readonly number[];
  readonly target: number;
}

/** min ‖A·x − b‖² subject to x ≥ 0, by exhausting the subsets of free variables (n ≤ 4 here). */
export function nnls(rows: readonly LsqRow[]): number[] {
  const n = rows[0]?.row.length ?? 0;
  let bestX = new Array<number>(n).fill(0);
  let bestCost = cost(rows, bestX);
  for (let mask = 1; mask < 1 << n; mask++) {
    const free = [...Array(n).keys()].filter((j) => mask & (1 << j));
    const x = solveSubset(rows, free, n);
    if (!x || x.some((v) => v < 0)) continue;
    const c = cost(rows, x);
    if (c < bestCost) {
      bestCost = c;
      bestX = x;
    }
  }
  return bestX;
}

function cost(rows: readonly LsqRow[], x: number[]): number {
  let s = 0;
  for (const { row, target } of rows) {
    let r = -target;
    row.forEach((a, j) => {
      r += a * x[j]!;
    });
    s += r * r;
  }
  return s;
}

/** Least squares over the free columns (normal equations, Gaussian elimination); null if singular. */
function solveSubset(rows: readonly LsqRow[], free: readonly number[], n: number): number[] | null {
  const k = free.length;
  const m = free.map((i) => [
    ...free.map((j) => rows.reduce((s, r) => s + r.row[i]! * r.row[j]!, 0)),
    rows.reduce((s, r) => s + r.row[i]! * r.target, 0),
  ]);
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++)
      if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-12) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= k; c++) m[r]![c] = m[r]![c]! - f * m[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  free.forEach((j, i) => {
    x[j] = m[i]![k]! / m[i]![i]!;
  });
  return x;
}
