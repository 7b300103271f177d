import { localized, msg } from '@lit/localize';
import { css, html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { sharedStyles } from '../styles.ts';

/** What the page shows, in one sentence; what BN and SyncBN are and how to use the lab, folded. */
@customElement('sbl-intro')
@localized()
export class Intro extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        max-width: 72rem;
      }
      details summary {
        cursor: pointer;
        font-size: 0.9rem;
      }
      p {
        margin: 0.4rem 0;
      }
      .lead {
        font-size: 1.05rem;
        margin: 0 0 0.3rem;
      }
    `,
  ];

  override render() {
    return html`<p class="lead" data-testid="lead">
        ${msg('This page trains one network on several simulated devices at once and shows what happens to Batch Normalization when each device normalizes with its own few examples (local BN) instead of the whole batch (SyncBN).')}
      </p>
      <details>
        <summary>${msg('What BN and SyncBN are, and how to use this lab')}</summary>
        <p>
          ${msg(html`<strong>Batch Normalization (BN)</strong> rescales every channel of a layer with the mean and variance of the current batch, then keeps running averages of them for testing. In data-parallel training the batch is split over several devices (GPUs), and each device normally uses only the statistics of <em>its own slice</em>: with 2 or 4 examples per device those numbers are noisy, and training and testing disagree. <strong>Synchronized BN (SyncBN)</strong> combines the statistics of all devices at every BN layer, so each device normalizes with the whole batch, at the cost of extra communication.`)}
        </p>
        <p>
          ${msg(html`Pick a preset or set the devices, the per-device batch, the BN statistics and what to compare, then press <strong>Run</strong>; every other setting is under <strong>All settings</strong>. The devices are simulated by real Web Workers on your computer, exchanging statistics exactly as PyTorch's SyncBatchNorm does, so the numbers are reproducible from the seed. Watch the test accuracy, and below it how far each device's batch mean and variance stray from the whole batch's. Every run is saved in this browser: compare runs, export them, or resume one a reload interrupted. The page address holds the study (the settings and what they vary), so a link reproduces it.`)}
        </p>
      </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-intro': Intro;
  }
}
