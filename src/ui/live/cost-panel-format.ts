import { formatFixed, formatNumber } from '../model/format.ts';

/**
 * The cost panel's numbers in the language shown (Intl through format.ts); units (ms, %, pp) stay.
 * Signed values carry their sign (+ or the minus sign −); "–" for unknown.
 */

const sign = (v: number): string => (v > 0 ? '+' : v < 0 ? '−' : '±');

export function costMs(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '–' : `${formatNumber(v, 3)} ms`;
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
