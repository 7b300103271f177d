import { configureLocalization } from '@lit/localize';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceLocale, targetLocales } from '../../src/ui/i18n/generated/locale-codes.ts';
import { saveNotice } from '../../src/ui/session/save-notice.ts';

/*
 * Issue #12: the notices shown when saving a run fails (full storage, a failed write), in both
 * languages from the same facts; the English is what the session controller's tests expect.
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

const quota = { kind: 'quota', message: 'full' } as const;
const other = { kind: 'other', message: 'QuotaExceeded?' } as const;
const facts = {
  label: 'SyncBN',
  settled: false,
  step: 12,
  checkpointStep: 10,
  firstQuota: true,
};

describe('save notices', () => {
  it('in English: what was lost, what the library kept and how to make room', async () => {
    await setLocale('en');
    expect(saveNotice(quota, facts)).toBe(
      'The browser’s storage for this site is full, so “SyncBN” was stopped at step 12. The library keeps everything up to step 10 (its last checkpoint); once there is room it can be resumed from there. Free space by exporting and deleting old runs in the library below.',
    );
    expect(
      saveNotice(quota, { ...facts, settled: true, firstQuota: false, checkpointStep: null }),
    ).toBe(
      'Then the end of “SyncBN” could not be saved too. The library keeps its settings, but no checkpoint, so it cannot be resumed.',
    );
  });

  it('in Chinese: the same facts, the same numbers, no English sentence left', async () => {
    await setLocale('zh-CN');
    try {
      const full = saveNotice(quota, facts);
      expect(full).toMatch(/存储空间已满/);
      expect(full).toMatch(/“SyncBN”在第 12 步被停止/);
      expect(full).toMatch(/直到第 10 步/);
      const then = saveNotice(quota, {
        ...facts,
        settled: true,
        firstQuota: false,
        checkpointStep: null,
      });
      expect(then).toMatch(/“SyncBN”的结尾无法保存/);
      expect(then).toMatch(/没有检查点/);
      const failed = saveNotice(other, { ...facts, label: null });
      expect(failed).toMatch(/保存到库中失败/);
      expect(failed).toContain('QuotaExceeded?');
      for (const text of [full, then, failed]) {
        const latin = (text.match(/[A-Za-z]+/g) ?? []).filter(
          (w) => !['SyncBN', 'QuotaExceeded'].includes(w),
        );
        expect(latin, text).toEqual([]);
      }
    } finally {
      await setLocale('en');
    }
  });
});
