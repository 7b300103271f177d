import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { MAX_SMOOTHING } from './shape-smooth.ts';

/**
 * A small slider for the train curves' EMA weight (0 = raw). Fires `smoothing-change` with the
 * new weight as its detail; the charts redraw on the render clock.
 */
@customElement('sbl-smoothing-control')
@localized()
export class SmoothingControl extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
      font-size: 0.9rem;
    }
    label {
      display: inline-flex;
      align-items: center;
      gap: 0.5rem;
    }
    output {
      font-variant-numeric: tabular-nums;
      min-width: 2.5em;
    }
  `;

  @property({ type: Number }) value = 0.6;

  override render() {
    return html`<label
      >${msg('Smoothing of train curves')}
      <input
        type="range"
        min="0"
        max=${MAX_SMOOTHING}
        step="0.05"
        data-testid="smoothing"
        .value=${String(this.value)}
        aria-valuetext=${this.value > 0 ? msg(str`EMA weight ${this.value.toFixed(2)}`) : msg('off (raw values)')}
        @input=${(e: Event) => {
          const v = Number((e.target as HTMLInputElement).value);
          this.value = v;
          this.dispatchEvent(
            new CustomEvent<number>('smoothing-change', {
              detail: v,
              bubbles: true,
              composed: true,
            }),
          );
        }}
      /><output>${this.value > 0 ? this.value.toFixed(2) : msg('off', { desc: 'Smoothing turned off' })}</output></label
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-smoothing-control': SmoothingControl;
  }
}
