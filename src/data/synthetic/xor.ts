import type { PointGenerator } from './point-generator.ts';

/**
 * Uniform points in the square [−1, 1]²; class 1 where the two coordinates have opposite signs.
 * The quadrant is drawn from the label (not the label from the point) so classes are balanced
 * exactly; noise is added afterwards, so points near the axes may land on the wrong side.
 */
export const xor: PointGenerator = (rng, count, noise, _classes, x, y) => {
  for (let i = 0; i < count; i++) {
    const c = i % 2;
    const s = rng.uniform() < 0.5 ? 1 : -1;
    const a = 1 - rng.uniform();
    const b = 1 - rng.uniform();
    x[2 * i] = s * a + noise * rng.normal();
    x[2 * i + 1] = (c === 0 ? s : -s) * b + noise * rng.normal();
    y[i] = c;
  }
};
