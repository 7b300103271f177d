import { allLocales, sourceLocale } from './generated/locale-codes.ts';

/** A language the app ships complete: English (the source) or Simplified Chinese. */
export type Locale = (typeof allLocales)[number];

export const LOCALES: readonly Locale[] = allLocales;
export const SOURCE_LOCALE: Locale = sourceLocale;

/** The URL parameter that names the language (`?lang=zh-CN`): a teacher's link sets it for a class. */
export const LANG_PARAM = 'lang';

/**
 * The app's locale for a BCP 47 tag, or null when the app has no such language. Every Chinese tag
 * maps to zh-CN (the only Chinese shipped: zh, zh-Hans, zh-TW, …); every English one to en.
 */
export function localeForTag(tag: string | null | undefined): Locale | null {
  const lower = tag?.trim().toLowerCase();
  if (!lower) return null;
  const exact = LOCALES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const language = lower.split(/[-_]/)[0];
  if (language === 'zh') return 'zh-CN';
  if (language === 'en') return 'en';
  return null;
}

export interface LocaleSources {
  /** `?lang=` of the page's URL, if any. */
  readonly query: string | null;
  /** What the reader chose with the switch on an earlier visit. */
  readonly stored: string | null;
  /** navigator.languages (or [navigator.language]), most preferred first. */
  readonly preferred: readonly string[];
}

export interface LocaleChoice {
  readonly locale: Locale;
  /** `?lang=` named a language the app does not have (it is ignored; the page says so). */
  readonly unknownQuery: string | null;
}

/** The URL wins (a shared link), then the reader's own choice, then the browser's languages. */
export function chooseLocale(sources: LocaleSources): LocaleChoice {
  const fromQuery = localeForTag(sources.query);
  const unknownQuery = sources.query && !fromQuery ? sources.query : null;
  const locale =
    fromQuery ??
    localeForTag(sources.stored) ??
    sources.preferred.map(localeForTag).find((l): l is Locale => l !== null) ??
    SOURCE_LOCALE;
  return { locale, unknownQuery };
}
