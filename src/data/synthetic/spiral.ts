import type { PointGenerator } from './point-generator.ts';

/**
 * `classes` interleaved arms, each sweeping one full turn from the centre out to radius 1 (at any
 * angle neighbouring arms are 1/classes apart radially): the classic set that needs a non-linear
 * boundary.
 */
export const spiral: PointGenerator = (rng, count, noise, classes, x, y) => {
  for (let i = 0; i < count; i++) {
    const c = i % classes;
    const t = rng.uniform();
    const theta = (2 * Math.PI * c) / classes + 2 * Math.PI * t;
    x[2 * i] = t * Math.cos(theta) + noise * rng.normal();
    x[2 * i + 1] = t * Math.sin(theta) + noise * rng.normal();
    y[i] = c;
  }
};
