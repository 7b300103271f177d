import { currentLocale } from '../i18n/localization.ts';

/** Numbers in the page's language (grouping, decimal sign), as every step shows them. */

/**
 * At most `digits` significant digits (0.000193, 1.25, 21,834), or exactly that many when `exact`
 * (a table column of statistics: −1.00 beside 0.869, not −1).
 */
export function formatSignificant(value: number, digits = 3, exact = false): string {
  if (!Number.isFinite(value)) return '–';
  return new Intl.NumberFormat(currentLocale(), {
    maximumSignificantDigits: digits,
    minimumSignificantDigits: exact ? digits : 1,
    signDisplay: 'negative',
  }).format(value);
}

/** Exactly `fraction` decimals (0.000000 for a mean that is 0 to the digits shown, never −0). */
export function formatFixed(value: number, fraction: number): string {
  if (!Number.isFinite(value)) return '–';
  return new Intl.NumberFormat(currentLocale(), {
    minimumFractionDigits: fraction,
    maximumFractionDigits: fraction,
    signDisplay: 'negative',
  }).format(value);
}

/** A whole count: 21,834. */
export function formatCount(value: number): string {
  return new Intl.NumberFormat(currentLocale(), { maximumFractionDigits: 0 }).format(value);
}

/** The scale slider's positions: 10^(position/10), so 0…20 spans scales 1…100 evenly on a log axis. */
export const SCALE_POSITIONS = 20;

export function scaleAt(position: number): number {
  const raw = 10 ** (position / 10);
  return Number(raw.toPrecision(2));
}
