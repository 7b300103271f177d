import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../charts/index.ts';
import type { CostRun } from '../model/cost-panel.ts';
import { diffConfigs } from '../model/config-diff.ts';
import '../live/sbl-cost-panel.ts';
import './sbl-torch-difference.ts';
import type { ComparedRun } from './compared-run.ts';
import { torchPairOf } from './torch-pair.ts';
import { sharedStyles } from '../styles.ts';

export type { ComparedRun };

/**
 * Saved runs overlaid on the same curves, with only the settings that differ between them and what
 * SyncBN would cost on a cluster (the cost panel).
 */
@customElement('sbl-compare-view')
@localized()
export class CompareView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
        gap: 1rem;
        margin: 0.8rem 0;
      }
      .head {
        display: flex;
        justify-content: space-between;
        align-items: baseline;
        gap: 1rem;
      }
      code {
        font-size: 0.9em;
      }
    `,
  ];

  @property({ attribute: false }) runs: readonly ComparedRun[] = [];
  /** EMA weight of the train curves. */
  @state() private smoothing = 0.6;

  override render() {
    if (this.runs.length === 0) return nothing;
    const diff = diffConfigs(this.runs.map((r) => r.config));
    const curves = this.runs.map((r) => ({
      id: r.id,
      label: r.label,
      train: r.train,
      eval: r.eval,
    }));
    // Tells these charts' tables apart from the live view's, on the page at the same time.
    const place = msg('saved runs compared', { desc: 'Where a chart is: the compare view' });
    return html`<section class="card" aria-labelledby="cmp-title" data-testid="compare-view">
      <div class="head">
        <h2 id="cmp-title">${this.runs.length === 1 ? this.runs[0]!.label : msg(str`Comparing ${this.runs.length} saved runs`)}</h2>
        <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('close-compare', { bubbles: true, composed: true }))}>
          ${msg('Close')}
        </button>
      </div>
      <sbl-smoothing-control
        .value=${this.smoothing}
        @smoothing-change=${(e: CustomEvent<number>) => {
          this.smoothing = e.detail;
        }}
      ></sbl-smoothing-control>
      <div class="charts">
        <sbl-curves-chart .runs=${curves} metric="loss" smoothing=${this.smoothing} place=${place}></sbl-curves-chart>
        <sbl-curves-chart .runs=${curves} metric="acc" smoothing=${this.smoothing} place=${place}></sbl-curves-chart>
      </div>
      ${this.renderTorchPair()}
      ${
        this.runs.length > 1
          ? html`<h3>${msg('Settings that differ')}</h3>
            ${
              diff.length === 0
                ? html`<p data-testid="config-diff">${msg('The configs are identical (same settings, same seed).')}</p>`
                : html`<table class="small" data-testid="config-diff">
                  <thead>
                    <tr>
                      <th scope="col">${msg('Setting')}</th>
                      ${this.runs.map((r) => html`<th scope="col">${r.label}</th>`)}
                    </tr>
                  </thead>
                  <tbody>
                    ${diff.map(
                      (d) => html`<tr>
                        <th scope="row"><code>${d.path}</code></th>
                        ${d.values.map((v) => html`<td><code>${v}</code></td>`)}
                      </tr>`,
                    )}
                  </tbody>
                </table>`
            }`
          : nothing
      }
      ${
        // A PyTorch run and its simulation are one setting run twice: nothing to cost between them.
        this.runs.length > 1 && torchPairOf(this.runs).pytorch === null
          ? html`<sbl-cost-panel .runs=${this.runs.map(costRun)}></sbl-cost-panel>`
          : nothing
      }
    </section>`;
  }

  /** A PyTorch run beside the simulated run it reproduces: where it ran and the per-step difference. */
  private renderTorchPair() {
    const pair = torchPairOf(this.runs);
    if (pair.pytorch === null) return nothing;
    return html`<sbl-torch-difference
      .simulated=${pair.simulated}
      .pytorch=${pair.pytorch}
    ></sbl-torch-difference>`;
  }
}

/** What the cost panel compares of a saved run: the test accuracy of its last evaluation. */
function costRun(r: ComparedRun): CostRun {
  const lastEval = r.eval[r.eval.length - 1];
  return { key: r.id, label: r.label, config: r.config, testAcc: lastEval?.acc ?? null };
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-compare-view': CompareView;
  }
}
