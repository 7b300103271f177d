import { localized, msg } from '@lit/localize';
import { css, html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { sharedStyles } from '../styles.ts';
import { LEARN_HASH } from './learn-route.ts';

/** The first screen's way into the Learn view (`#learn`: where the reader stopped, or step 1). */
@customElement('sbl-learn-link')
@localized()
export class LearnLink extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        margin: 0.2rem 0 0.4rem;
      }
      a {
        color: var(--sbl-accent);
        font-weight: 600;
      }
    `,
  ];

  override render() {
    return html`<a href=${LEARN_HASH} data-testid="learn-link"
      >${msg('New to Batch Normalization? Learn it step by step →')}</a
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-learn-link': LearnLink;
  }
}
