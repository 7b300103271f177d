import { readFile } from 'node:fs/promises';
import { configureLocalization } from '@lit/localize';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPERIMENT_NAMES, EXPERIMENTS } from '../../src/experiments/index.ts';
import type { Check, ExperimentName, ExperimentResult } from '../../src/experiments/kit/types.ts';
import { renderSvg } from '../../src/experiments/kit/render-svg.ts';
import { comparePoints, count, joined } from '../../src/experiments/kit/words.ts';
import { sourceLocale, targetLocales } from '../../src/ui/i18n/generated/locale-codes.ts';
import { newExperimentRecord, shownChecks } from '../../src/ui/experiments/experiment-records.ts';

/*
 * Issue #12: the literature experiments in Chinese. The same rows give the same checks in both
 * languages: the same verdicts, and each measured sentence carries the same numbers (a
 * translation moves them, never drops or changes one).
 */

// @lit/localize announces a locale change on `window`; Node has none (the app's worker has a shim).
Object.assign(globalThis, { window: globalThis.window ?? new EventTarget() });

const { setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: () => import('../../src/ui/i18n/generated/zh-CN.ts'),
});

async function committed(name: ExperimentName): Promise<ExperimentResult> {
  return JSON.parse(
    await readFile(new URL(`../../docs/experiments/${name}.json`, import.meta.url), 'utf8'),
  ) as ExperimentResult;
}

/** The numbers of a sentence, as written ("−18.8", "23,373", "0.114"), sorted. */
function numbers(text: string): string[] {
  return [...text.matchAll(/[−-]?\d+(?:,\d{3})*(?:\.\d+)?/g)].map((m) => m[0]).sort();
}

/** Those of `all` left after removing each of `some` once (a multiset difference). */
function without(all: readonly string[], some: readonly string[]): string[] {
  const left = [...all];
  for (const n of some) {
    const i = left.indexOf(n);
    if (i >= 0) left.splice(i, 1);
  }
  return left;
}

const CJK = /[\u4e00-\u9fff]/;
const english = new Map<ExperimentName, readonly Check[]>();
const chinese = new Map<ExperimentName, readonly Check[]>();
const texts = new Map<ExperimentName, { en: string[]; zh: string[] }>();
/** The text marks of each figure drawn in zh-CN (title, subtitles, headings, axes, legends). */
const figureTexts = new Map<ExperimentName, string[]>();

beforeAll(async () => {
  const shown = (name: ExperimentName) => {
    const e = EXPERIMENTS[name];
    return [e.title, e.question, e.answer, e.reference];
  };
  await setLocale('en');
  for (const name of EXPERIMENT_NAMES) {
    english.set(name, EXPERIMENTS[name].finding((await committed(name)).rows).checks);
    texts.set(name, { en: shown(name), zh: [] });
  }
  await setLocale('zh-CN');
  for (const name of EXPERIMENT_NAMES) {
    chinese.set(name, EXPERIMENTS[name].finding((await committed(name)).rows).checks);
    texts.get(name)!.zh = shown(name);
    const result = await committed(name);
    const svg = await renderSvg(
      EXPERIMENTS[name].figure({ ...result, finding: EXPERIMENTS[name].finding(result.rows) }),
      'light',
    );
    figureTexts.set(
      name,
      [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? ''),
    );
  }
}, 120_000);

describe('the experiments in Chinese', () => {
  for (const name of EXPERIMENT_NAMES) {
    it(`${name}: each measured sentence in zh-CN has the numbers of the English one`, () => {
      const en = english.get(name)!;
      const zh = chinese.get(name)!;
      expect(zh.map((c) => c.id)).toEqual(en.map((c) => c.id));
      expect(zh.map((c) => c.holds)).toEqual(en.map((c) => c.holds));
      expect(zh.map((c) => c.values)).toEqual(en.map((c) => c.values));
      for (const [i, c] of zh.entries()) {
        const e = en[i]!;
        expect(c.measured, c.id).toMatch(CJK);
        expect(c.claim, c.id).toMatch(CJK);
        expect(c.measured, c.id).not.toBe(e.measured);
        // Every number of the English sentence is in the Chinese one (the Chinese may add a
        // counter's own, e.g. "1/{n}" for "n× smaller").
        expect(without(numbers(e.measured!), numbers(c.measured!)), c.id).toEqual([]);
        expect(without(numbers(e.claim), numbers(c.claim)), c.id).toEqual([]);
      }
    });

    it(`${name}: the figure's title and subtitles are drawn in Chinese`, () => {
      const drawn = figureTexts.get(name)!;
      // The title, subtitles, headings and axis titles: several texts, all the wordy ones Chinese.
      expect(drawn.filter((t) => CJK.test(t)).length).toBeGreaterThanOrEqual(3);
      // Every line of two or more English words is translated (names, units and symbols aside).
      const english = drawn.filter((t) => /[A-Za-z]{3,} [a-z]{3,} [a-z]{3,}/.test(t));
      expect(english).toEqual([]);
    });

    it(`${name}: title, question, answer and reference are evaluated in the locale shown`, () => {
      const { en, zh } = texts.get(name)!;
      for (const [i, t] of zh.entries()) {
        expect(t).toMatch(CJK);
        expect(t).not.toBe(en[i]);
      }
      expect(en.join(' ')).not.toMatch(CJK);
    });
  }

  it('writes lists and comparisons in Chinese word order, numbers as in English', () => {
    expect(joined(['a', 'b', 'c'])).toBe('a、b和c');
    expect(count(23373)).toBe('23,373');
    expect(comparePoints('本地 BN 的测试误差', 0.601, 'SyncBN 的', 0.06)).toBe(
      '本地 BN 的测试误差比SyncBN 的高 54.1 pp（60.1% 对 6.0%）',
    );
  });

  it('the page shows a saved session’s checks recomputed in its language, not the stored English', async () => {
    const result = await committed('test-time');
    const record = {
      ...newExperimentRecord('r', 'test-time', result.quick, 0),
      rows: [...result.rows],
      finding: { checks: [...english.get('test-time')!] },
      complete: true,
    };
    const shown = shownChecks(record);
    expect(shown[0]!.measured).toMatch(CJK);
    expect(shown[0]!.measured).toContain('PreciseBN');
    expect(shown.map((c) => c.holds)).toEqual(record.finding.checks.map((c) => c.holds));
  });
});
