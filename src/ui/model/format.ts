import { msg, str } from '@lit/localize';
import { intlLocale } from '../../experiments/kit/words.ts';

/**
 * Number and time formatting shared by the views (plain functions, easy to test), in the language
 * shown: Intl with the language's tag (intlLocale: a message, so it also works in Node, where it
 * is English). No grouping, so English reads exactly as before ("1234.5", not "1,234.5").
 */

/** `value` with exactly `digits` decimals, as toFixed rounds (half away from zero). */
export function formatFixed(value: number, digits: number): string {
  return new Intl.NumberFormat(intlLocale(), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: false,
  }).format(value);
}

export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  return `${formatFixed(fraction * 100, digits)}%`;
}

export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const rounded = Number(v.toPrecision(digits));
  const plain = rounded.toString();
  if (plain.includes('e')) return plain; // exponent notation reads the same in both languages
  return new Intl.NumberFormat(intlLocale(), {
    maximumSignificantDigits: digits,
    useGrouping: false,
  }).format(rounded);
}

/** "12 s", "3 min 05 s", "1 h 02 min"; "–" when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return msg(str`${s} s`, { desc: 'A duration in seconds' });
  const m = Math.floor(s / 60);
  const ss = String(s % 60).padStart(2, '0');
  if (m < 60) return msg(str`${m} min ${ss} s`, { desc: 'A duration in minutes and seconds' });
  const h = Math.floor(m / 60);
  const mm = String(m % 60).padStart(2, '0');
  return msg(str`${h} h ${mm} min`, { desc: 'A duration in hours and minutes' });
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${formatFixed(v, u === 0 ? 0 : v < 10 ? 1 : 0)} ${units[u]}`;
}

/** Overall progress of several runs done one after another, 0–100. */
export function overallPercent(
  parts: readonly { readonly done: number; readonly total: number }[],
): number {
  let done = 0;
  let total = 0;
  for (const p of parts) {
    total += p.total;
    done += Math.min(p.done, p.total);
  }
  return total > 0 ? Math.floor((100 * done) / total) : 0;
}

/** `<name>.syncbn-run.json`, with characters file systems dislike replaced. */
export function exportFileName(name: string): string {
  const safe = name
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must go
    .replace(/[\u0000-\u001f<>:"/\\|?*]+/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
  return `${safe || 'syncbn-run'}.syncbn-run.json`;
}
