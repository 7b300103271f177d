import type { PointGenerator } from './point-generator.ts';

/** Two interleaving half circles of radius 1 (scikit-learn's make_moons geometry); 2 classes. */
export const moons: PointGenerator = (rng, count, noise, _classes, x, y) => {
  for (let i = 0; i < count; i++) {
    const c = i % 2;
    const theta = Math.PI * rng.uniform();
    const px = c === 0 ? Math.cos(theta) : 1 - Math.cos(theta);
    const py = c === 0 ? Math.sin(theta) : 0.5 - Math.sin(theta);
    x[2 * i] = px + noise * rng.normal();
    x[2 * i + 1] = py + noise * rng.normal();
    y[i] = c;
  }
};
