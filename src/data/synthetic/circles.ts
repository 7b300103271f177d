import type { PointGenerator } from './point-generator.ts';

/** Concentric circles: class 0 on radius 1, class 1 on radius 0.5; 2 classes. */
export const circles: PointGenerator = (rng, count, noise, _classes, x, y) => {
  for (let i = 0; i < count; i++) {
    const c = i % 2;
    const r = c === 0 ? 1 : 0.5;
    const theta = 2 * Math.PI * rng.uniform();
    x[2 * i] = r * Math.cos(theta) + noise * rng.normal();
    x[2 * i + 1] = r * Math.sin(theta) + noise * rng.normal();
    y[i] = c;
  }
};
