import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import { sharedStyles } from '../styles.ts';
import '../i18n/sbl-locale-switch.ts';
import { formatCount } from './format.ts';
import { formatLearnHash } from './learn-route.ts';
import { LEARN_STEPS } from './learn-steps.ts';

/**
 * The Learn view: one short step per idea of the chapter, each with a live widget. The address
 * says which step (`#learn/N`, see learn-route.ts); the step list and previous/next are plain
 * links, so Tab and Enter, the browser's back button and a shared link all work.
 */
@customElement('sbl-learn-view')
// define() runs after @localized() (decorators apply bottom-up): an element already in the page
// (rendered before this file loaded) is upgraded by define() and must get its locale controller.
@localized()
export class LearnView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
        justify-content: space-between;
      }
      h1 {
        font-size: 1.5rem;
        margin: 0.4rem 0 0.6rem;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(12rem, 16rem) minmax(0, 1fr);
        gap: 1rem;
        align-items: start;
      }
      @media (max-width: 48rem) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      ol {
        margin: 0;
        padding-left: 1.4rem;
      }
      li {
        margin: 0.2rem 0;
      }
      a {
        color: var(--sbl-accent);
      }
      a[aria-current='step'] {
        font-weight: 700;
        color: var(--sbl-fg);
      }
      article {
        min-width: 0;
      }
      .pager {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        gap: 0.5rem;
        margin-top: 1rem;
      }
      .pager a {
        display: inline-block;
        border: 1px solid var(--sbl-border);
        border-radius: 6px;
        padding: 0.35rem 0.8rem;
        background: var(--sbl-surface-2);
        text-decoration: none;
        color: var(--sbl-fg);
      }
      .pager a:hover {
        border-color: var(--sbl-accent);
      }
      .pager .next {
        margin-left: auto;
      }
      h2:focus {
        outline: none;
      }
    `,
  ];

  /** The step shown, 1-based (already clamped by the route). */
  @property({ type: Number }) step = 1;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('step')) void LEARN_STEPS[this.step - 1]?.load();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A new step whose link took the focus with it (Next on the step before the last, whose Next
    // is gone): the keyboard continues from the new step's heading, not from the page's top.
    if (changed.has('step') && changed.get('step') !== undefined && !this.holdsFocus()) {
      this.renderRoot.querySelector<HTMLElement>('#step-title')?.focus();
    }
  }

  private holdsFocus(): boolean {
    const active = (this.renderRoot as ShadowRoot).activeElement;
    return active?.isConnected === true;
  }

  private renderStep() {
    const entry = LEARN_STEPS[this.step - 1];
    if (!entry) return nothing;
    const tag = unsafeStatic(entry.tag);
    return staticHtml`<${tag} data-testid="learn-step-body"></${tag}>`;
  }

  override render() {
    const count = LEARN_STEPS.length;
    const entry = LEARN_STEPS[this.step - 1];
    const prev = LEARN_STEPS[this.step - 2];
    const next = LEARN_STEPS[this.step];
    const position = msg(str`Step ${formatCount(this.step)} of ${formatCount(count)}`);
    return html`
      <header>
        <div class="head">
          <a href="#" data-testid="learn-back">${msg('← Back to the lab')}</a>
          <sbl-locale-switch></sbl-locale-switch>
        </div>
        <h1>${msg('Learn Batch Normalization, step by step')}</h1>
      </header>
      <main class="layout" data-testid="learn-view" data-step=${this.step}>
        <nav aria-label=${msg('Steps')} class="card">
          <ol>
            ${LEARN_STEPS.map(
              (s, i) =>
                html`<li>
                  <a
                    href=${formatLearnHash(i + 1)}
                    aria-current=${i + 1 === this.step ? 'step' : 'false'}
                    >${s.title()}</a
                  >
                </li>`,
            )}
          </ol>
        </nav>
        <article class="card" aria-labelledby="step-title">
          <p class="muted small" data-testid="learn-position">${position}</p>
          <h2 id="step-title" tabindex="-1">${entry?.title() ?? ''}</h2>
          ${this.renderStep()}
          <nav class="pager" aria-label=${msg('Previous and next step')}>
            ${
              prev
                ? html`<a class="prev" rel="prev" href=${formatLearnHash(this.step - 1)} data-testid="learn-prev"
                    >${msg(str`← Previous: ${prev.title()}`)}</a
                  >`
                : nothing
            }
            ${
              next
                ? html`<a class="next" rel="next" href=${formatLearnHash(this.step + 1)} data-testid="learn-next"
                    >${msg(str`Next: ${next.title()} →`)}</a
                  >`
                : nothing
            }
          </nav>
        </article>
      </main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-learn-view': LearnView;
  }
}
