import { describe, expect, it } from 'vitest';
import { EXPERIMENTS } from '../../src/experiments/index.ts';
import type { FigureLocale } from '../../src/experiments/kit/figure-locale.ts';
import { sourceLocale, targetLocales } from '../../src/ui/i18n/generated/locale-codes.ts';
import { templates } from '../../src/ui/i18n/generated/zh-CN.ts';

/*
 * The experiments worker writes a figure in the page's language (the page sends its built
 * messages, as here), and only the figure: once it is built, msg() answers in English again, so
 * the checks the worker computes for the saved record stay in English.
 */

// Node's global is no EventTarget; a worker's is (worker-locale.ts then uses it as `window`).
Object.assign(globalThis, { window: new EventTarget() });
const { inLocale } = await import('../../src/platform/browser/worker-locale.ts');

const zh: FigureLocale = { sourceLocale, targetLocales, locale: 'zh-CN', templates };
const errorSurface = EXPERIMENTS['error-surface'];

describe("the experiments worker's language", () => {
  it('builds in the page’s locale, then answers in English again', async () => {
    const english = errorSurface.title;
    const chinese = await inLocale(zh, () => errorSurface.title);
    expect(chinese).toBe('双权重线性模型的误差表面：原始特征与标准化特征');
    expect(errorSurface.title).toBe(english);
    expect(english).toBe(
      'Error surface of a two-weight linear model, raw vs standardized features',
    );
  });

  it('builds in English without a locale or with the source locale', async () => {
    expect(await inLocale(undefined, () => errorSurface.question)).toMatch(/^Why does/);
    const en: FigureLocale = { sourceLocale, targetLocales, locale: sourceLocale };
    expect(await inLocale(en, () => errorSurface.question)).toMatch(/^Why does/);
  });
});
