/**
 * Numbers in a check's sentence, written as the figure shows them: error rates in percent with
 * one decimal (the axis of every error figure is "test error (%)"), differences between error
 * rates in percentage points (pp), counts with thousands separators. A number that could not be
 * measured yet (NaN: a configuration not run) reads "–".
 */

/** A fraction (0.0123) as the figure's percent with one decimal ("1.2%"). */
export function percent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(100 * fraction).toFixed(1)}%` : '–';
}

/** A fraction as percent rounded to the figure's one decimal, as a number (for a check's values). */
export function percentValue(fraction: number): number {
  return Number.isFinite(fraction) ? Math.round(1000 * fraction) / 10 : Number.NaN;
}

/** The difference of two fractions in percentage points, unsigned ("0.7 pp"). */
export function pointsApart(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return '– pp';
  return `${Math.abs(percentValue(a) - percentValue(b)).toFixed(1)} pp`;
}

/**
 * "A's test error is 0.7 pp lower than B's": `what` names the quantity of `a` (with its owner),
 * `than` the one of `b`. Differences are taken between the figure's rounded percentages, so the
 * sentence and the figure's points agree to the last digit.
 */
export function comparePoints(
  what: string,
  a: number,
  than: string,
  b: number,
  /** How the two values read: error rates in percent, or quantities already in pp (gaps). */
  as: 'percent' | 'pp' = 'percent',
): string {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return `${what} vs ${than}: not measured yet`;
  const d = percentValue(a) - percentValue(b);
  const show = as === 'percent' ? percent : signedPoints;
  if (d === 0) return `${what} equals ${than} (${show(a)})`;
  return `${what} is ${pointsApart(a, b)} ${d < 0 ? 'lower' : 'higher'} than ${than} (${show(a)} vs ${show(b)})`;
}

/** A difference of error rates (a fraction) in signed percentage points ("−18.8 pp", "2.7 pp"). */
export function signedPoints(fraction: number): string {
  if (!Number.isFinite(fraction)) return '– pp';
  const v = percentValue(fraction);
  return `${v < 0 ? '−' : ''}${Math.abs(v).toFixed(1)} pp`;
}

/** How an error rate changes from `from` to `to`: "rises by 56.7 pp (3.4% → 60.1%)". */
export function changeOf(from: number, to: number): string {
  if (!Number.isFinite(from) || !Number.isFinite(to)) return 'is not measured yet';
  const d = percentValue(to) - percentValue(from);
  const how = d > 0 ? 'rises' : d < 0 ? 'falls' : 'stays';
  return `${how}${d === 0 ? '' : ` by ${Math.abs(d).toFixed(1)} pp`} (${percent(from)} → ${percent(to)})`;
}

/** "a, b and c". */
export function joined(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

/** A count as the figure prints it ("23,373"). */
export function count(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';
}

/** A plain measurement with three significant digits ("0.114", "13,500"). */
export function num(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return '–';
  const r = Number(v.toPrecision(digits));
  const text = Math.abs(r) >= 1000 ? Math.abs(r).toLocaleString('en-US') : String(Math.abs(r));
  return r < 0 ? `−${text}` : text;
}
