import type { PointGenerator } from './point-generator.ts';

/**
 * `classes` isotropic Gaussian blobs (standard deviation `noise`) centred evenly on the unit circle,
 * so the geometry depends only on the class count, not on the seed.
 */
export const blobs: PointGenerator = (rng, count, noise, classes, x, y) => {
  for (let i = 0; i < count; i++) {
    const c = i % classes;
    const angle = (2 * Math.PI * c) / classes;
    x[2 * i] = Math.cos(angle) + noise * rng.normal();
    x[2 * i + 1] = Math.sin(angle) + noise * rng.normal();
    y[i] = c;
  }
};
