import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../charts/index.ts';
import { formatNumber, formatPercent } from '../model/format.ts';
import { torchDifference } from '../model/torch-difference.ts';
import { sharedStyles } from '../styles.ts';
import type { ComparedRun } from './compared-run.ts';
import { torchOriginText } from './torch-origin-text.ts';

/**
 * A PyTorch run beside the simulated run it reproduces (the compare view shows their curves
 * overlaid): where it ran, the largest difference of the train loss, a chart of the difference at
 * every step, the evaluations side by side and every step's numbers in a table.
 */
@customElement('sbl-torch-difference')
@localized()
export class TorchDifferenceView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        margin: 0.8rem 0;
      }
      .table-wrap {
        overflow-x: auto;
        max-height: 24rem;
        overflow-y: auto;
      }
      details summary {
        cursor: pointer;
      }
    `,
  ];

  @property({ attribute: false }) pytorch: ComparedRun | null = null;
  @property({ attribute: false }) simulated: ComparedRun | null = null;

  override render() {
    const pytorch = this.pytorch;
    if (!pytorch?.origin) return nothing;
    const simulated = this.simulated;
    return html`<section aria-labelledby="torch-diff-title" data-testid="torch-difference">
      <h3 id="torch-diff-title">${msg('PyTorch and the simulator')}</h3>
      <p data-testid="torch-origin">${torchOriginText(pytorch.label, pytorch.origin)}</p>
      ${simulated ? this.renderDifference(simulated, pytorch) : html`<p class="muted" data-testid="torch-unmatched">${msg('No simulated run with the same settings is in the library, so there is nothing to compare it with step by step. Train that configuration here, or import its export, then show this run again.')}</p>`}
    </section>`;
  }

  private renderDifference(simulated: ComparedRun, pytorch: ComparedRun) {
    const d = torchDifference(simulated, pytorch);
    const simName = simulated.label;
    const compared = d.steps.length;
    const summary =
      d.maxAbsolute && d.maxRelative
        ? msg(
            str`Compared with “${simName}” at ${compared} steps: the largest |Δ loss| is ${formatNumber(d.maxAbsolute.value, 3)} (step ${d.maxAbsolute.step}), the largest relative difference ${formatNumber(d.maxRelative.value, 3)} (step ${d.maxRelative.step}).`,
          )
        : msg(str`Compared with “${simName}”: no step that both runs recorded.`);
    return html`<p data-testid="torch-max">${summary}</p>
      ${
        d.unmatched > 0
          ? html`<p class="small muted">${msg(str`${d.unmatched} steps of the PyTorch run have no finite counterpart in the simulated run and are left out.`)}</p>`
          : nothing
      }
      <sbl-step-diff-chart .steps=${d.steps}></sbl-step-diff-chart>
      ${
        d.evals.length > 0
          ? html`<div class="table-wrap" tabindex="0" role="region" aria-label=${msg('Evaluations side by side')}>
            <table class="small" data-testid="torch-evals">
              <caption>${msg('Evaluations side by side')}</caption>
              <thead>
                <tr>
                  <th scope="col" class="num">${msg('Step')}</th>
                  <th scope="col" class="num">${msg('Test loss, simulator')}</th>
                  <th scope="col" class="num">${msg('Test loss, PyTorch')}</th>
                  <th scope="col" class="num">${msg('Test accuracy, simulator')}</th>
                  <th scope="col" class="num">${msg('Test accuracy, PyTorch')}</th>
                </tr>
              </thead>
              <tbody>
                ${d.evals.map(
                  (e) => html`<tr>
                    <th scope="row" class="num">${e.step}</th>
                    <td class="num">${formatNumber(e.simulatedLoss, 7)}</td>
                    <td class="num">${formatNumber(e.pytorchLoss, 7)}</td>
                    <td class="num">${formatPercent(e.simulatedAcc, 2)}</td>
                    <td class="num">${formatPercent(e.pytorchAcc, 2)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
          : nothing
      }
      <details data-testid="torch-steps">
        <summary>${msg('Every step’s train loss')}</summary>
        <div class="table-wrap" tabindex="0" role="region" aria-label=${msg('Every step’s train loss')}>
          <table class="small">
            <thead>
              <tr>
                <th scope="col" class="num">${msg('Step')}</th>
                <th scope="col" class="num">${msg('Simulator')}</th>
                <th scope="col" class="num">${msg('PyTorch')}</th>
                <th scope="col" class="num">${msg('|Δ loss|')}</th>
                <th scope="col" class="num">${msg('relative difference')}</th>
              </tr>
            </thead>
            <tbody>
              ${d.steps.map(
                (s) => html`<tr>
                  <th scope="row" class="num">${s.step}</th>
                  <td class="num">${formatNumber(s.simulated, 8)}</td>
                  <td class="num">${formatNumber(s.pytorch, 8)}</td>
                  <td class="num">${formatNumber(s.absolute, 3)}</td>
                  <td class="num">${formatNumber(s.relative, 3)}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-torch-difference': TorchDifferenceView;
  }
}
