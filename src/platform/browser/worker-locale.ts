import { configureLocalization, type LocaleModule } from '@lit/localize';
import type { FigureLocale } from '../../experiments/kit/figure-locale.ts';

/**
 * The experiments worker's language: msg() in src/experiments answers in the page's locale once
 * showLocale has run (before, and without a locale, it answers the English source).
 *
 * @lit/localize's runtime announces a locale change by dispatching its status event on `window`,
 * which a worker does not have. A WorkerGlobalScope is an EventTarget and has CustomEvent, so the
 * worker's global stands in for `window` (this shim is installed here only, in the worker that
 * configures localization; nothing in the worker listens for the event).
 */
const scope = globalThis as unknown as { window?: unknown };
scope.window ??= globalThis;

/** The messages the page sent, by locale (the loader below hands them to lit-localize). */
const sent = new Map<string, LocaleModule['templates']>();
let localization: ReturnType<typeof configureLocalization> | null = null;

/**
 * `build()` run with msg() answering in `locale`: a figure's words in the page's language. The
 * locale is active only while `build` runs (synchronously), then the source again, so the checks
 * runPlan computes in between, which the page saves, stay in English (the page shows them
 * recomputed in its own language).
 */
export async function inLocale<T>(locale: FigureLocale | undefined, build: () => T): Promise<T> {
  if (!locale || locale.locale === locale.sourceLocale) return build();
  if (locale.templates) sent.set(locale.locale, locale.templates);
  localization ??= configureLocalization({
    sourceLocale: locale.sourceLocale,
    targetLocales: locale.targetLocales,
    loadLocale: async (code) => {
      const templates = sent.get(code);
      if (!templates) throw new Error(`the page sent no messages for the locale ${code}`);
      return { templates };
    },
  });
  await localization.setLocale(locale.locale);
  try {
    return build();
  } finally {
    await localization.setLocale(locale.sourceLocale);
  }
}
