import type { LocaleModule } from '@lit/localize';

/**
 * The language an experiments worker writes its figures (and checks) in, as the page sends it.
 * A worker cannot load the page's translations itself: lit-localize builds them into src/ui,
 * which the worker entries (src/platform) must not import, so the page passes the built
 * messages of its locale along with the locale's name, as it passes its colour scheme.
 */
export interface FigureLocale {
  /** The language the messages are written in (lit-localize's sourceLocale). */
  readonly sourceLocale: string;
  readonly targetLocales: readonly string[];
  /** The page's locale now. */
  readonly locale: string;
  /** The locale's built messages (lit-localize's generated module); absent for the source. */
  readonly templates?: LocaleModule['templates'];
}
