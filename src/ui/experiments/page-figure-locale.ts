import type { FigureLocale } from '../../experiments/kit/figure-locale.ts';
import { sourceLocale, targetLocales } from '../i18n/generated/locale-codes.ts';
import { currentLocale } from '../i18n/localization.ts';

/** The built messages of each target locale: the same chunk the page itself loaded. */
const TRANSLATIONS = {
  'zh-CN': () => import('../i18n/generated/zh-CN.ts'),
} as const satisfies Record<(typeof targetLocales)[number], () => Promise<unknown>>;

/** The page's language as the experiments worker needs it to write figures in it. */
export async function pageFigureLocale(): Promise<FigureLocale> {
  const locale = currentLocale();
  const base = { sourceLocale, targetLocales, locale };
  if (locale === sourceLocale) return base;
  const { templates } = await TRANSLATIONS[locale as keyof typeof TRANSLATIONS]();
  return { ...base, templates };
}
