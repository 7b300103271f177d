import { formatFixed, formatNumber } from '../model/format.ts';

/**
 * The cost panel's numbers in the language shown (Intl through format.ts); units (ms, %, pp) stay.
 * Signed values carry their sign (+ or the minus sign −); "–" for unknown.
 */

const sign = (v: number): string => (v > 0 ? '+' : v < 0 ? '−' : '±');

/** Below this a time reads "< 0.001 ms" (a simulated model's compute: 1e-6 ms says nothing more). */
const SMALLEST_MS = 0.001;

export function costMs(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  if (v > 0 && v < SMALLEST_MS) return `< ${formatNumber(SMALLEST_MS, 3)} ms`;
  return `${formatNumber(v, 3)} ms`;
}

export function signedMs(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '–' : `${sign(v)}${formatNumber(Math.abs(v), 3)} ms`;
}

export function signedPct(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '–' : `${sign(v)}${formatFixed(Math.abs(v), 1)}%`;
}

export function signedPp(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '–' : `${sign(v)}${formatFixed(Math.abs(v), 1)} pp`;
}
