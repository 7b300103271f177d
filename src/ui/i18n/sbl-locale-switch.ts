import { localized, msg } from '@lit/localize';
import { css, html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { sharedStyles } from '../styles.ts';
import { LOCALES, type Locale } from './choose-locale.ts';
import { currentLocale, switchLocale } from './localization.ts';

/** Each language named in itself, so a reader finds theirs whatever the page shows now. */
const ENDONYM: Record<Locale, string> = { en: 'English', 'zh-CN': '中文' };

/** The language switch: changes the page's language at once, no reload; remembered. */
@customElement('sbl-locale-switch')
@localized()
export class LocaleSwitch extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: inline-flex;
      }
      [role='group'] {
        display: inline-flex;
        gap: 0.25rem;
      }
      button[aria-pressed='true'] {
        font-weight: 700;
      }
    `,
  ];

  /** A switch under way: both buttons wait (a second click would race the first load). */
  @state() private switching = false;

  override render() {
    const shown = currentLocale();
    return html`<div role="group" aria-label=${msg('Language')} data-testid="locale-switch">
      ${LOCALES.map(
        (locale) =>
          html`<button
            type="button"
            lang=${locale}
            aria-pressed=${locale === shown ? 'true' : 'false'}
            ?disabled=${this.switching}
            data-locale=${locale}
            @click=${() => void this.pick(locale)}
          >
            ${ENDONYM[locale]}
          </button>`,
      )}
    </div>`;
  }

  private async pick(locale: Locale): Promise<void> {
    if (locale === currentLocale()) return;
    this.switching = true;
    try {
      await switchLocale(locale);
    } finally {
      this.switching = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-locale-switch': LocaleSwitch;
  }
}
