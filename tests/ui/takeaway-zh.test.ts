import { configureLocalization } from '@lit/localize';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceLocale, targetLocales } from '../../src/ui/i18n/generated/locale-codes.ts';
import { sessionHeadline, statusText } from '../../src/ui/live/session-headline.ts';
import { explainFailure } from '../../src/ui/model/explain-failure.ts';
import { formatDuration, formatPercent } from '../../src/ui/model/format.ts';
import { type Takeaway, type TakeawayRun, takeaway } from '../../src/ui/model/takeaway.ts';
import type { LiveRun } from '../../src/ui/session/live-run.ts';
import { type RunNumbers, takeawayRun, takeawayTelemetry } from '../helpers/takeaway-runs.ts';

/*
 * Issue #12: the takeaway after a study, in Chinese. Each case is built once in English and once
 * in zh-CN from the same runs: the same number of sentences, every Chinese sentence in Chinese
 * (no English word left but the kept names), and each carrying exactly the numbers of its English
 * sentence (a translation moves them, never drops or changes one).
 */

// @lit/localize announces a locale change on `window`; Node has none.
Object.assign(globalThis, { window: globalThis.window ?? new EventTarget() });

const { setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: () => import('../../src/ui/i18n/generated/zh-CN.ts'),
});

afterAll(async () => {
  await setLocale('en');
});

const telemetry = takeawayTelemetry;

/** `pdb`: per-device batch; `train`: the last tenth's training accuracy. */
const run = (
  label: string,
  o: Omit<RunNumbers, 'perDeviceBatch' | 'trainAcc'> & { pdb?: number; train?: number },
): TakeawayRun =>
  takeawayRun(
    label,
    {
      ...o,
      ...(o.pdb !== undefined ? { perDeviceBatch: o.pdb } : {}),
      ...(o.train !== undefined ? { trainAcc: o.train } : {}),
    },
    { telemetry: () => telemetry(0.5, 0.3), testLoss: 0.4123 },
  );

/** Run labels without digits or Latin letters, so the numbers and words checked are the sentences'. */
const CASES: Record<string, () => TakeawayRun[]> = {
  'sync beats local (mismatch)': () => [
    run('本地', { acc: 0.874, t: telemetry(0.52, 0.31) }),
    run('同步', { bnSync: 'sync', acc: 0.912, t: telemetry(0.51, 0.08) }),
  ],
  'the default 8 × 2 (local BN hardly learned; gaps about the same)': () => [
    run('本地', { acc: 0.33, pdb: 2, train: 0.229, t: telemetry(0.67, 0.21) }),
    run('同步', { bnSync: 'sync', acc: 0.894, pdb: 2, train: 0.865, t: telemetry(0.67, 0.19) }),
  ],
  'local trained worse at 4 per device': () => [
    run('本地', { acc: 0.874, train: 0.759 }),
    run('同步', { bnSync: 'sync', acc: 0.916, train: 0.961 }),
  ],
  'no normalization beats local BN': () => [
    run('无', { norm: 'none', acc: 0.888, t: telemetry(0, 0) }),
    run('本地', { acc: 0.874, t: telemetry(0.52, 0.31) }),
  ],
  'local BN beats no normalization, three runs': () => [
    run('无', { norm: 'none', acc: 0.812, t: null }),
    run('本地', { acc: 0.874, t: telemetry(0.52, 0.31) }),
    run('同步', { bnSync: 'sync', acc: 0.85, t: null }),
  ],
  'too close to call': () => [
    run('本地', { acc: 0.884 }),
    run('同步', { bnSync: 'sync', acc: 0.888 }),
  ],
  'a single run': () => [run('本地', { acc: 0.874 })],
  'a single percentage point': () => [
    run('本地', { acc: 0.874, t: null }),
    run('同步', { bnSync: 'sync', acc: 0.884, t: null }),
  ],
};

/** The numbers of a sentence as written ("0.52", "87.4", "−1", "+1"), sorted. */
function numbers(text: string): string[] {
  return [...text.matchAll(/[−+-]?\d+(?:\.\d+)?/g)].map((m) => m[0]).sort();
}

const CJK = /[\u4e00-\u9fff]/;
/** Words that stay in Latin letters in the Chinese sentences: names and symbols. */
const KEPT = new Set(['BN', 'SyncBN', 'σ']);

function sentences(t: Takeaway): string[] {
  return [t.headline, ...t.reasons];
}

async function both(make: () => TakeawayRun[]): Promise<{ en: string[]; zh: string[] }> {
  await setLocale('en');
  const en = sentences(takeaway(make())!);
  await setLocale('zh-CN');
  const zh = sentences(takeaway(make())!);
  await setLocale('en');
  return { en, zh };
}

describe('the takeaway in Chinese', () => {
  for (const [name, make] of Object.entries(CASES)) {
    it(`${name}: every sentence translated, with the English sentence's numbers`, async () => {
      const { en, zh } = await both(make);
      expect(zh).toHaveLength(en.length);
      for (const [i, sentence] of zh.entries()) {
        expect(sentence, sentence).toMatch(CJK);
        const latin = (sentence.match(/[A-Za-z]+/g) ?? []).filter((w) => !KEPT.has(w));
        expect(latin, sentence).toEqual([]);
        expect(numbers(sentence), `${en[i]}\n${sentence}`).toEqual(numbers(en[i]!));
      }
    });
  }

  it('English stays as it was after a round trip through Chinese', async () => {
    const { en } = await both(CASES['sync beats local (mismatch)']!);
    expect(en[0]).toBe(
      '“同步” did best: 91.2% test accuracy, 3.8 percentage points ahead of “本地” (87.4%).',
    );
  });
});

describe('the live view’s words in Chinese', () => {
  it('status words, the headline, durations and percentages follow the language', async () => {
    const live = [
      { label: '甲', status: 'completed', step: 30, steps: 30 },
      { label: '乙', status: 'completed', step: 30, steps: 30 },
    ] as unknown as LiveRun[];
    await setLocale('zh-CN');
    try {
      expect(statusText('running')).toBe('训练中');
      expect(sessionHeadline(live, false, false)).toBe('全部 2 次运行已完成：甲、乙，每次 30 步');
      expect(formatDuration(185_000)).toBe('3 分 05 秒');
      expect(formatPercent(0.8774)).toBe('87.7%');
      const failure = explainFailure('Training diverged: loss is NaN', null);
      expect(failure.summary).toMatch(CJK);
      expect(failure.advice).toMatch(CJK);
    } finally {
      await setLocale('en');
    }
    expect(sessionHeadline(live, false, false)).toBe('All 2 runs done: 甲, 乙, 30 steps each');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
  });
});
