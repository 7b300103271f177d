/**
 * Every combination of the axes' values, the first axis outermost: the order an experiment's
 * units run and its rows appear in. `grid({ seed: [1, 2], b: [8, 4] })` is
 * `[{ seed: 1, b: 8 }, { seed: 1, b: 4 }, { seed: 2, b: 8 }, { seed: 2, b: 4 }]`.
 */
export function grid<A extends Record<string, readonly unknown[]>>(
  axes: A,
): { [K in keyof A]: A[K][number] }[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(axes)) {
    points = points.flatMap((point) => values.map((value) => ({ ...point, [name]: value })));
  }
  return points as { [K in keyof A]: A[K][number] }[];
}
