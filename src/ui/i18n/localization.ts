import { configureLocalization, LOCALE_STATUS_EVENT } from '@lit/localize';
import {
  chooseLocale,
  LANG_PARAM,
  type Locale,
  type LocaleChoice,
  SOURCE_LOCALE,
} from './choose-locale.ts';
import { sourceLocale, targetLocales } from './generated/locale-codes.ts';

/** localStorage key of the reader's choice from the switch. */
const STORED_KEY = 'syncbn-lab:locale';

/** The translations load as their own chunk, only when the page shows that language. */
const TRANSLATIONS = {
  'zh-CN': () => import('./generated/zh-CN.ts'),
} as const satisfies Record<(typeof targetLocales)[number], () => Promise<unknown>>;

const { getLocale, setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: (locale) => TRANSLATIONS[locale as keyof typeof TRANSLATIONS](),
});

/** The locale the page shows now. */
export function currentLocale(): Locale {
  return getLocale() as Locale;
}

function readStored(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORED_KEY) ?? null;
  } catch {
    return null; // storage blocked (private mode, policies): the browser's languages decide
  }
}

function browserLanguages(): readonly string[] {
  const nav = globalThis.navigator;
  if (!nav) return [];
  return nav.languages?.length ? nav.languages : nav.language ? [nav.language] : [];
}

/** Which language the page opens in, and whether `?lang=` named one it does not have. */
export function initialChoice(): LocaleChoice {
  const query = new URLSearchParams(globalThis.location?.search ?? '').get(LANG_PARAM);
  return chooseLocale({ query, stored: readStored(), preferred: browserLanguages() });
}

let opening: LocaleChoice | null = null;

/**
 * Load the page's language before the first render (no flash of English for a Chinese reader).
 * Resolves with the choice; a translation that fails to load leaves the page in English.
 */
export async function startLocalization(): Promise<LocaleChoice> {
  const choice = initialChoice();
  opening = choice;
  await showLocale(choice.locale);
  return choice;
}

/** What startLocalization chose (null before it ran). */
export function openingChoice(): LocaleChoice | null {
  return opening;
}

async function showLocale(locale: Locale): Promise<void> {
  try {
    await setLocale(locale);
  } catch {
    // The translation chunk did not load (offline after an update): English is complete.
    await setLocale(SOURCE_LOCALE);
  }
  document.documentElement.lang = currentLocale();
}

/**
 * The reader picked a language with the switch: show it without a reload, remember it, and keep
 * the address in step (a `?lang=` left in it would undo the choice at the next reload).
 */
export async function switchLocale(locale: Locale): Promise<void> {
  await showLocale(locale);
  try {
    globalThis.localStorage?.setItem(STORED_KEY, locale);
  } catch {
    // Not remembered where storage is blocked; the page still switches.
  }
  const url = new URL(globalThis.location.href);
  if (url.searchParams.has(LANG_PARAM)) {
    url.searchParams.set(LANG_PARAM, locale);
    globalThis.history.replaceState(globalThis.history.state, '', url);
  }
}

export { LOCALE_STATUS_EVENT };
