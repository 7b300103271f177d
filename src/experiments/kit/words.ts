import { msg, str } from '@lit/localize';

/**
 * Numbers in a check's sentence, written as the figure shows them: error rates in percent with
 * one decimal (the axis of every error figure is "test error (%)"), differences between error
 * rates in percentage points (pp), counts with thousands separators. A number that could not be
 * measured yet (NaN: a configuration not run) reads "–".
 *
 * Every sentence or clause here is ONE message with placeholders (msg/str of @lit/localize), so a
 * translation can put the numbers where its grammar wants them; no sentence is glued together
 * from English pieces. Without a configured locale (the CLI, the tests) msg returns the English.
 */

/**
 * The language tag Intl formats lists and numbers with in the language shown. English keeps
 * en-GB's list style ("a, b and c", no serial comma), as the sentences always read.
 */
export function intlLocale(): string {
  return msg('en-GB', {
    id: 'intl-locale',
    desc: 'The BCP 47 tag that Intl formats numbers and lists with in this language',
  });
}

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
 * "A's test error is 0.7 pp lower than B's (…)": `what` names the quantity of `a` (with its
 * owner), `than` the one of `b`, both already in the reader's language. Differences are taken
 * between the figure's rounded percentages, so the sentence and the figure's points agree to the
 * last digit.
 */
export function comparePoints(
  what: string,
  a: number,
  than: string,
  b: number,
  /** How the two values read: error rates in percent, or quantities already in pp (gaps). */
  as: 'percent' | 'pp' = 'percent',
): string {
  if (!Number.isFinite(a) || !Number.isFinite(b))
    return msg(str`${what} vs ${than}: not measured yet`);
  const d = percentValue(a) - percentValue(b);
  const show = as === 'percent' ? percent : signedPoints;
  const shownA = show(a);
  const shownB = show(b);
  if (d === 0) return msg(str`${what} equals ${than} (${shownA})`);
  const apart = pointsApart(a, b);
  return d < 0
    ? msg(str`${what} is ${apart} lower than ${than} (${shownA} vs ${shownB})`)
    : msg(str`${what} is ${apart} higher than ${than} (${shownA} vs ${shownB})`);
}

/** A difference of error rates (a fraction) in signed percentage points ("−18.8 pp", "2.7 pp"). */
export function signedPoints(fraction: number): string {
  if (!Number.isFinite(fraction)) return '– pp';
  const v = percentValue(fraction);
  return `${v < 0 ? '−' : ''}${Math.abs(v).toFixed(1)} pp`;
}

/**
 * How an error rate changes from `from` to `to`, as a predicate after its subject: "rises by
 * 56.7 pp (3.4% → 60.1%)".
 */
export function changeOf(from: number, to: number): string {
  if (!Number.isFinite(from) || !Number.isFinite(to)) return msg('is not measured yet');
  const d = percentValue(to) - percentValue(from);
  const before = percent(from);
  const after = percent(to);
  const by = `${Math.abs(d).toFixed(1)} pp`;
  if (d > 0) return msg(str`rises by ${by} (${before} → ${after})`);
  if (d < 0) return msg(str`falls by ${by} (${before} → ${after})`);
  return msg(str`stays (${before} → ${after})`);
}

/** "a, b and c" (in Chinese "a、b和c"): the language's own list, by Intl.ListFormat. */
export function joined(items: readonly string[]): string {
  return new Intl.ListFormat(intlLocale(), { style: 'long', type: 'conjunction' }).format(items);
}

/** A count as the figure prints it ("23,373"). */
export function count(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString(intlLocale()) : '–';
}

/** A plain measurement with three significant digits ("0.114", "13,500"). */
export function num(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return '–';
  const r = Number(v.toPrecision(digits));
  const text = Math.abs(r) >= 1000 ? Math.abs(r).toLocaleString(intlLocale()) : String(Math.abs(r));
  return r < 0 ? `−${text}` : text;
}

/** "none measured yet", for a list of measurements that is still empty. */
export function noneMeasured(): string {
  return msg('none measured yet');
}

/** The quick mode's mark after a figure's subtitle line (" (quick)"), or nothing. */
export function quickMark(quick: boolean): string {
  return quick ? msg(' (quick)') : '';
}
