/** Text for the latest-values tables: fixed significant digits, an en dash for missing values. */

export const MISSING = '–';

export function fmtNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return MISSING;
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e6 || abs < 1e-4) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}

export function fmtPercent(v: number | null | undefined, decimals = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return MISSING;
  return `${(v * 100).toFixed(decimals)}%`;
}

export function fmtMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return MISSING;
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ms`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB'];

export function fmtBytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return MISSING;
  let unit = 0;
  let x = v;
  while (Math.abs(x) >= 1024 && unit < BYTE_UNITS.length - 1) {
    x /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(x)} B` : `${x.toFixed(x < 10 ? 2 : 1)} ${BYTE_UNITS[unit]}`;
}

/** Percent tick labels with just enough decimals to tell neighbouring ticks apart. */
export function percentTicks(splits: readonly number[], increment: number): string[] {
  const decimals = Math.max(0, Math.min(4, Math.ceil(-Math.log10(increment * 100) - 1e-9)));
  return splits.map((v) => `${(v * 100).toFixed(decimals)}%`);
}

/**
 * An axis tick: at most 3 significant digits, exponents for very large or small values
 * ("1.5e9", not "1,500,000,000", which a 60 px axis cuts to "000,000,000").
 */
export function fmtTick(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-3) {
    const [mantissa = '', exponent = ''] = v.toExponential(2).split('e');
    return `${Number(mantissa)}e${Number(exponent)}`;
  }
  return String(Number(v.toPrecision(3)));
}

/** Pixels an axis needs for its widest tick label (12 px font) plus its ticks and title. */
export function axisSizeFor(labels: readonly string[] | null | undefined): number {
  const widest = (labels ?? []).reduce((m, l) => Math.max(m, l.length), 0);
  return Math.max(48, Math.ceil(widest * 7.2) + 30);
}
