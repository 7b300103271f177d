import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../charts/index.ts';
import type { CurveRun } from '../charts/index.ts';
import { explainFailure } from '../model/explain-failure.ts';
import { formatDuration, formatNumber, formatPercent } from '../model/format.ts';
import type { TorchDownloadNote } from '../model/torch-export.ts';
import { warningText } from '../model/warning-text.ts';
import type { LiveRun } from '../session/live-run.ts';
import type { SessionView } from '../session/session-controller.ts';
import { fillStyle, progressStyles, sharedStyles } from '../styles.ts';
import { sessionHeadline, statusText } from './session-headline.ts';
import type { CostRun } from '../model/cost-panel.ts';
import './sbl-cost-panel.ts';
import './sbl-device-panel.ts';
import './sbl-takeaway.ts';

/**
 * What is training now: one progress bar for the whole study (its runs train together),
 * pause / resume / stop for all of them, the loss and accuracy curves of every run overlaid, a results
 * table, failures explained, what SyncBN would cost on a cluster (the cost panel) and the
 * per-device panel. Fires `session-pause`, `session-resume`
 * and `session-stop`.
 */
@customElement('sbl-live-view')
@localized()
export class LiveView extends LitElement {
  static override styles = [
    sharedStyles,
    progressStyles,
    css`
      :host {
        display: block;
      }
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
        gap: 1rem;
        margin-top: 0.8rem;
      }
      .status-completed {
        color: var(--sbl-ok);
      }
      .status-failed {
        color: var(--sbl-error);
      }
      .table-wrap {
        overflow-x: auto;
        margin-top: 0.6rem;
      }
      details.raw summary {
        cursor: pointer;
        font-size: 0.85rem;
      }
      code {
        white-space: pre-wrap;
        word-break: break-word;
      }
    `,
  ];

  @property({ attribute: false }) view: SessionView | null = null;
  /** The last PyTorch download's state (shown under the results when it was asked here). */
  @property({ attribute: false }) torchNote: TorchDownloadNote | null = null;
  /** EMA weight of the train curves (the slider above the charts). */
  @state() private smoothing = 0.6;

  private fire(name: 'session-pause' | 'session-resume' | 'session-stop'): void {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
  }

  override render() {
    const v = this.view;
    const runs = v?.runs ?? [];
    const percent = v?.percent ?? 0;
    const curveRuns: CurveRun[] = runs
      .filter((r) => r.train.length > 0 || r.eval.length > 0)
      .map((r) => ({ id: r.key, label: r.label, train: r.train, eval: r.eval }));
    const headline = v
      ? sessionHeadline(runs, v.busy, v.paused)
      : sessionHeadline([], false, false);
    return html`
      <section aria-labelledby="live-title">
        <h2 id="live-title" tabindex="-1">${msg('Training', { desc: 'Heading of the live view' })}</h2>
        <p aria-live="polite" data-testid="run-status">${headline}</p>
        <div
          class="bar"
          role="progressbar"
          aria-label=${msg('Study progress')}
          aria-valuemin="0"
          aria-valuemax="100"
          aria-valuenow=${percent}
          aria-valuetext=${`${percent}%`}
          data-testid="progress"
        >
          <div class="fill" style=${fillStyle(percent)}></div>
        </div>
        <div class="progress-line small">
          <span data-testid="progress-text">${percent}%</span>
          <span data-testid="speed">${v?.busy && v.stepsPerSec > 0 ? msg(str`${formatNumber(v.stepsPerSec, 3)} steps/s`) : msg('– steps/s')}</span>
          <span data-testid="eta">${msg(str`ETA ${v?.busy && v.etaMs > 0 ? formatDuration(v.etaMs) : '–'}`)}</span>
        </div>
        <div class="row" role="group" aria-label=${msg('Training controls')}>
          <!-- One button that turns into Resume while paused: it keeps the focus. -->
          <button
            type="button"
            ?disabled=${!v?.busy}
            @click=${() => this.fire(v?.paused ? 'session-resume' : 'session-pause')}
          >
            ${v?.paused ? msg('Resume') : msg('Pause')}
          </button>
          <button type="button" class="danger" ?disabled=${!v?.busy} @click=${() => this.fire('session-stop')}>${msg('Stop')}</button>
        </div>
        ${v?.notice ? html`<div class="notice" role="alert" data-testid="save-notice">${v.notice}</div>` : nothing}
        ${runs.map((r) => this.renderProblems(r))}
        ${runs.length > 0 ? this.renderResults(runs) : nothing}
        ${v && !v.busy ? html`<sbl-takeaway .runs=${runs}></sbl-takeaway>` : nothing}
        <sbl-smoothing-control
          .value=${this.smoothing}
          @smoothing-change=${(e: CustomEvent<number>) => {
            this.smoothing = e.detail;
          }}
        ></sbl-smoothing-control>
        <div class="charts">
          <sbl-curves-chart .runs=${curveRuns} metric="loss" smoothing=${this.smoothing}></sbl-curves-chart>
          <sbl-curves-chart .runs=${curveRuns} metric="acc" smoothing=${this.smoothing}></sbl-curves-chart>
        </div>
        ${runs.length > 0 ? html`<sbl-cost-panel .runs=${runs.map(costRun)}></sbl-cost-panel>` : nothing}
        ${runs.some((r) => r.telemetry) ? html`<sbl-device-panel .runs=${runs} .featured=${v?.featured ?? 0}></sbl-device-panel>` : nothing}
      </section>
    `;
  }

  private renderProblems(r: LiveRun) {
    const warnings = r.warnings.length
      ? html`<div class="notice small" role="status" data-testid="run-warnings">
          <strong>${r.label}:</strong> ${r.warnings.map((w) => html`<p>${warningText(w)}</p>`)}
        </div>`
      : nothing;
    if (!r.failure) return warnings;
    // Explained again here, not when it failed: the explanation follows a language switch.
    const failure = explainFailure(r.failure.detail, r.config);
    return html`${warnings}
      <div class="notice" role="alert" data-testid="run-error">
        <p><strong>${msg(str`${r.label} failed.`)}</strong> ${failure.summary}</p>
        ${failure.advice ? html`<p>${failure.advice}</p>` : nothing}
        ${
          failure.detail !== failure.summary
            ? html`<details class="raw">
              <summary>${msg('What the engine said')}</summary>
              <code>${failure.detail}</code>
            </details>`
            : nothing
        }
      </div>`;
  }

  private renderResults(runs: readonly LiveRun[]) {
    // Scrolls sideways on a narrow screen and holds nothing focusable: focusable itself, and named,
    // so the keyboard can scroll it and a screen reader says what it is.
    return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${msg('Runs of this study')}><table class="small" data-testid="live-results">
      <caption class="visually-hidden">${msg('Runs of this study')}</caption>
      <thead>
        <tr>
          <th scope="col">${msg('Run')}</th>
          <th scope="col">${msg('Status')}</th>
          <th scope="col" class="num">${msg('Step')}</th>
          <th scope="col" class="num">${msg('Train loss')}</th>
          <th scope="col" class="num">${msg('Test accuracy')}</th>
          <th scope="col">${msg('Workers')}</th>
          <th scope="col">${msg('PyTorch')}</th>
        </tr>
      </thead>
      <tbody>
        ${runs.map((r) => {
          const lastTrain = r.train[r.train.length - 1];
          const lastEval = r.eval[r.eval.length - 1];
          const acc = r.final?.testAcc ?? lastEval?.acc ?? null;
          return html`<tr>
            <th scope="row" id=${`live-run-${r.key}`}>${r.label}</th>
            <td class="status-${r.status}">${statusText(r.status)}</td>
            <td class="num">${r.step} / ${r.steps}</td>
            <td class="num">${formatNumber(lastTrain?.loss ?? null)}</td>
            <td class="num">${formatPercent(acc)}</td>
            <td>${r.workers !== null ? msg(str`${r.workers} for ${r.config.devices} devices`) : '–'}</td>
            <td>${r.status === 'completed' ? this.renderTorchButton(r) : '–'}</td>
          </tr>`;
        })}
      </tbody>
    </table></div>
    ${this.renderTorchNote()}`;
  }

  /** A finished run's "download it for torchrun" button (the app builds the .zip). */
  private renderTorchButton(r: LiveRun) {
    const busy = this.torchNote?.kind === 'busy';
    return html`<button
      type="button"
      class="small"
      data-testid="torch-download"
      aria-describedby=${`live-run-${r.key}`}
      ?disabled=${busy}
      @click=${() =>
        this.dispatchEvent(
          new CustomEvent('torch-download', {
            detail: { key: r.key },
            bubbles: true,
            composed: true,
          }),
        )}
    >
      ${msg('Download .zip')}
    </button>`;
  }

  private renderTorchNote() {
    const note = this.torchNote;
    if (note?.where !== 'live') return nothing;
    return html`<p
      class="small ${note.kind === 'error' ? 'notice' : ''}"
      role=${note.kind === 'error' ? 'alert' : 'status'}
      data-testid="torch-note"
      data-kind=${note.kind}
    >${note.text}</p>`;
  }

  /** Focus the view's heading: after Run, so keyboard and screen reader users land on the run. */
  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('#live-title')?.focus();
  }
}

/** What the cost panel compares of a run: its measured test accuracy (the latest while training). */
function costRun(r: LiveRun): CostRun {
  const lastEval = r.eval[r.eval.length - 1];
  return {
    key: r.key,
    label: r.label,
    config: r.config,
    testAcc: r.final?.testAcc ?? lastEval?.acc ?? null,
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-live-view': LiveView;
  }
}
