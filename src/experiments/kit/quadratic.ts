/**
 * The least-squares loss of a two-weight linear model, L(w) = ½·mean((x·w − y)²), written as the
 * quadratic ½·wᵀAw − bᵀw + ½c with A = XᵀX/n, b = Xᵀy/n, c = mean(y²). Float64 throughout.
 */
export interface Quadratic {
  readonly a11: number;
  readonly a12: number;
  readonly a22: number;
  readonly b1: number;
  readonly b2: number;
  readonly c: number;
}

export type Point2 = readonly [number, number];

/** The quadratic of `x` (n × 2, row-major) against targets `y`. */
export function leastSquares(x: ArrayLike<number>, y: ArrayLike<number>): Quadratic {
  const n = y.length;
  let a11 = 0;
  let a12 = 0;
  let a22 = 0;
  let b1 = 0;
  let b2 = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const x1 = x[2 * i]!;
    const x2 = x[2 * i + 1]!;
    const t = y[i]!;
    a11 += x1 * x1;
    a12 += x1 * x2;
    a22 += x2 * x2;
    b1 += x1 * t;
    b2 += x2 * t;
    c += t * t;
  }
  return { a11: a11 / n, a12: a12 / n, a22: a22 / n, b1: b1 / n, b2: b2 / n, c: c / n };
}

export function lossAt(q: Quadratic, w: Point2): number {
  const [w1, w2] = w;
  return (
    0.5 * (q.a11 * w1 * w1 + 2 * q.a12 * w1 * w2 + q.a22 * w2 * w2) -
    q.b1 * w1 -
    q.b2 * w2 +
    0.5 * q.c
  );
}

export function gradientAt(q: Quadratic, w: Point2): Point2 {
  return [q.a11 * w[0] + q.a12 * w[1] - q.b1, q.a12 * w[0] + q.a22 * w[1] - q.b2];
}

export function minimizer(q: Quadratic): Point2 {
  const det = q.a11 * q.a22 - q.a12 * q.a12;
  return [(q.a22 * q.b1 - q.a12 * q.b2) / det, (q.a11 * q.b2 - q.a12 * q.b1) / det];
}

/** Eigenvalues of the Hessian A, largest first. */
export function curvatures(q: Quadratic): { max: number; min: number } {
  const mid = (q.a11 + q.a22) / 2;
  const r = Math.hypot((q.a11 - q.a22) / 2, q.a12);
  return { max: mid + r, min: mid - r };
}

export interface DescentOptions {
  readonly lr: number;
  readonly start: Point2;
  /** Stop once the loss is at or below this. */
  readonly targetLoss: number;
  readonly maxSteps: number;
}

export interface DescentPoint {
  readonly step: number;
  readonly w1: number;
  readonly w2: number;
  readonly loss: number;
}

export interface Descent {
  /** Steps taken to reach the target (maxSteps when it was not reached). */
  readonly steps: number;
  readonly reached: boolean;
  /** The path: every one of the first 20 steps, then steps about 15% apart, and the last. */
  readonly path: DescentPoint[];
}

/** Full-batch gradient descent with a constant learning rate. */
export function gradientDescent(q: Quadratic, o: DescentOptions): Descent {
  let w: Point2 = o.start;
  const path: DescentPoint[] = [];
  let nextKept = 0;
  const keep = (step: number, loss: number): void => {
    path.push({ step, w1: w[0], w2: w[1], loss });
    nextKept = step < 20 ? step + 1 : Math.ceil(step * 1.15);
  };
  let step = 0;
  let loss = lossAt(q, w);
  keep(0, loss);
  while (loss > o.targetLoss && step < o.maxSteps) {
    const g = gradientAt(q, w);
    w = [w[0] - o.lr * g[0], w[1] - o.lr * g[1]];
    step++;
    loss = lossAt(q, w);
    if (step >= nextKept || loss <= o.targetLoss) keep(step, loss);
  }
  if (path[path.length - 1]!.step !== step) keep(step, loss);
  return { steps: step, reached: loss <= o.targetLoss, path };
}
