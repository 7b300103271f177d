/**
 * What the per-device statistics' noise would be for i.i.d. Gaussian activations: the references
 * the stat-noise experiment draws next to its measurements.
 */

/**
 * RMS of (μ_k − μ)/σ for a device's mean over b samples against the mean over all K·b: the
 * difference has variance σ²(1/b − 1/(Kb)), so the RMS is √((K − 1)/(K·b)) ∝ 1/√b (any
 * distribution with a variance, not only Gaussian).
 */
export function meanNoiseReference(perDeviceBatch: number, devices: number): number {
  return Math.sqrt((devices - 1) / (devices * perDeviceBatch));
}

/**
 * RMS of log(σ²_k/σ²) for the biased variance of b Gaussian samples: b·σ²_k/σ² ~ χ²(b − 1), so
 * log(σ²_k/σ²) has mean ψ((b−1)/2) + ln(2/b) and variance ψ′((b−1)/2). Tends to √(2/b) for
 * large b; at b = 2 it is about 3 (a variance from two samples is often near zero).
 */
export function logVarNoiseReference(perDeviceBatch: number): number {
  const k = (perDeviceBatch - 1) / 2;
  const bias = digamma(k) + Math.log(2 / perDeviceBatch);
  return Math.sqrt(bias * bias + trigamma(k));
}

/** ψ(x) for x > 0: recurrence up to x ≥ 10, then the asymptotic series (error < 1e-12). */
export function digamma(x: number): number {
  let r = 0;
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  const x2 = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - x2 * (1 / 12 - x2 * (1 / 120 - x2 * (1 / 252 - x2 / 240)));
}

/** ψ′(x) for x > 0, the same way. */
export function trigamma(x: number): number {
  let r = 0;
  while (x < 10) {
    r += 1 / (x * x);
    x += 1;
  }
  const x2 = 1 / (x * x);
  return r + 1 / x + x2 / 2 + (x2 / x) * (1 / 6 - x2 * (1 / 30 - x2 * (1 / 42 - x2 / 30)));
}
