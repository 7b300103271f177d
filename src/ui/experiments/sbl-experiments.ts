import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { EXPERIMENTS } from '../../experiments/index.ts';
import { EXPERIMENT_NAMES, type ExperimentName } from '../../experiments/kit/types.ts';
import { startExperimentWorker } from '../../platform/browser/experiment-client.ts';
import type { FigureImage } from '../../platform/browser/render-figure.ts';
import type { ExperimentRecord } from '../../store/experiments.ts';
import type { RunStatus } from '../../store/records.ts';
import type { RunStore } from '../../store/run-store.ts';
import { currentLocale } from '../i18n/localization.ts';
import { formatDuration } from '../model/format.ts';
import { runStatusText } from '../model/status-words.ts';
import { fillStyle, progressStyles, sharedStyles } from '../styles.ts';
import { shownChecks, shownStatus } from './experiment-records.ts';
import { ExperimentsController, type ShownExperiment } from './experiments-controller.ts';

/**
 * The named experiments of issue 5: pick one, run it (quick or full) in its own worker, watch its
 * progress, and read its figure and the literature's checks; sessions are saved like runs.
 */
@customElement('sbl-experiments')
@localized()
export class ExperimentsSection extends LitElement {
  static override styles = [
    sharedStyles,
    progressStyles,
    css`
      :host {
        display: block;
      }
      ul.catalog {
        list-style: none;
        padding: 0;
        margin: 0 0 0.8rem;
        display: grid;
        gap: 0.4rem;
      }
      ul.catalog label {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.1rem 0.5rem;
        cursor: pointer;
      }
      ul.catalog .answer,
      ul.catalog .reference {
        grid-column: 2;
      }
      .question {
        font-weight: 600;
      }
      p.answer,
      p.reference {
        margin: 0.2rem 0;
      }
      .bar {
        margin-top: 0.6rem;
      }
      figure {
        margin: 0.8rem 0;
      }
      figure img {
        max-width: 100%;
        height: auto;
        border-radius: 6px;
      }
      ul.checks {
        padding-left: 1.2rem;
      }
      .holds {
        color: var(--sbl-ok);
      }
      .fails {
        color: var(--sbl-error);
      }
    `,
  ];

  /** The run library (null until it opens): experiment sessions are saved beside the runs. */
  @property({ attribute: false }) store: RunStore | null = null;
  @state() private selected: ExperimentName = 'error-surface';
  @state() private quick = true;
  private readonly experiments = new ExperimentsController(this, { spawn: startExperimentWorker });
  /** The object URL of the figure on show, revoked when another replaces it. */
  private figureUrl: { readonly figure: FigureImage; readonly url: string } | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.showFigure(null);
  }

  /** The URL an <img> shows `figure` through (one per figure; the last one is released). */
  private showFigure(figure: FigureImage | null): string | null {
    if (this.figureUrl && this.figureUrl.figure === figure) return this.figureUrl.url;
    if (this.figureUrl) URL.revokeObjectURL(this.figureUrl.url);
    this.figureUrl = figure ? { figure, url: URL.createObjectURL(figure.blob) } : null;
    return this.figureUrl?.url ?? null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('store')) void this.experiments.attach(this.store);
  }

  private onRun(): void {
    void this.experiments.run(this.selected, this.quick);
  }

  override render() {
    const c = this.experiments;
    return html`
      <section aria-labelledby="experiments-title" data-testid="experiments">
        <h2 id="experiments-title">${msg('Experiments')}</h2>
        <p class="muted small">
          ${msg(
            'Presets that reproduce figures from the literature. Each runs a set of configurations in its own worker; its figure and the checks of the paper’s claims appear as results arrive, and every session is saved in the run library.',
          )}
        </p>
        <div role="radiogroup" aria-label=${msg('Experiment')}>
        <ul class="catalog">
          ${EXPERIMENT_NAMES.map((name) => {
            const e = EXPERIMENTS[name];
            return html`<li>
              <label data-testid=${`experiment-${name}`}>
                <input
                  type="radio"
                  name="experiment"
                  .value=${name}
                  .checked=${this.selected === name}
                  ?disabled=${c.busy}
                  @change=${() => {
                    this.selected = name;
                  }}
                />
                <span class="question" data-testid="experiment-question">${e.question}</span>
                <span class="answer small" data-testid="experiment-answer">${e.answer}</span>
                <span class="reference small muted">${titleAndReference(e.title, e.reference)}</span>
              </label>
            </li>`;
          })}
        </ul>
        </div>
        <div class="row" role="group" aria-label=${msg('Experiment controls')}>
          <label
            >${msg('Mode')}
            <select
              data-testid="experiment-mode"
              ?disabled=${c.busy}
              @change=${(e: Event) => {
                this.quick = (e.target as HTMLSelectElement).value === 'quick';
              }}
            >
              <option value="quick" ?selected=${this.quick}>${msg('Quick (fewer configurations, minutes)')}</option>
              <option value="full" ?selected=${!this.quick}>${msg('Full (the paper’s sweep, can take long)')}</option>
            </select></label
          >
          <button class="primary" data-testid="experiment-run" ?disabled=${c.busy} @click=${this.onRun}>
            ${msg('Run experiment')}
          </button>
          <button
            class="danger"
            data-testid="experiment-stop"
            ?disabled=${!c.busy || c.stopping}
            @click=${() => c.stop()}
          >
            ${c.stopping ? msg('Stopping…') : msg('Stop experiment')}
          </button>
        </div>
        ${c.busy ? this.renderProgress() : nothing}
        ${c.error ? html`<p class="notice" role="alert" data-testid="experiment-error">${c.error}</p>` : nothing}
        ${c.shown ? this.renderShown(c.shown) : nothing} ${this.renderSaved()}
      </section>
    `;
  }

  private renderProgress() {
    const p = this.experiments.progress;
    const percent = Math.round((p?.fraction ?? 0) * 100);
    const eta = p && Number.isFinite(p.etaMs) ? formatDuration(p.etaMs) : '–';
    return html`
      <div
        class="bar"
        role="progressbar"
        aria-label=${msg('Named experiment progress')}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${percent}
        aria-valuetext=${`${percent}%`}
        data-testid="experiment-progress"
      >
        <div class="fill" style=${fillStyle(percent)}></div>
      </div>
      <div class="progress-line small" aria-live="polite">
        <span data-testid="experiment-progress-text"
          >${progressText(percent, p?.done ?? 0, p?.total ?? '…', p?.current ?? undefined)}</span
        >
        <span data-testid="experiment-eta">${msg(str`ETA ${eta}`)}</span>
      </div>
    `;
  }

  private renderShown(shown: ShownExperiment) {
    const { record } = shown;
    const figureUrl = this.showFigure(shown.figure);
    const e = EXPERIMENTS[record.name];
    const status = shownStatus(record, this.experiments.activeId);
    return html`
      <article data-testid="experiment-result" data-name=${record.name} data-status=${status}>
        <h3>${e.question} <span class="muted small">${modeAndStatus(record.quick, status)}</span></h3>
        <p class="answer" data-testid="experiment-result-answer">${e.answer}</p>
        <p class="reference small muted">${titleAndReference(e.title, e.reference)}</p>
        ${
          figureUrl && shown.figure
            ? html`<figure>
              <img
                data-testid="experiment-figure"
                src=${figureUrl}
                width=${shown.figure.width}
                height=${shown.figure.height}
                alt=${msg(str`Figure: ${e.title}`)}
              />
            </figure>`
            : html`<p class="muted small" data-testid="experiment-figure-pending">
              ${record.rows.length === 0 ? msg('The figure appears once the first configuration is done.') : msg('Drawing the figure…')}
            </p>`
        }
        ${this.renderChecks(record)}
      </article>
    `;
  }

  private renderChecks(record: ExperimentRecord) {
    const checks = shownChecks(record);
    if (checks.length === 0) return nothing;
    return html`
      <h4>
        ${record.complete ? msg('What the literature predicts') : msg('What the literature predicts (so far, on the configurations done)')}
      </h4>
      <ul class="checks" data-testid="experiment-checks">
        ${checks.map((check) => {
          // Before the end, a claim about configurations not run yet has NaN among its numbers:
          // not a failure. In a complete result a NaN (diverged training) stays a failure.
          const measured =
            record.complete || Object.values(check.values).every((v) => Number.isFinite(v));
          const verdict = !measured ? 'pending' : check.holds ? 'true' : 'false';
          return html`<li data-check=${check.id} data-holds=${verdict}>
              <strong class=${verdict === 'pending' ? 'muted' : check.holds ? 'holds' : 'fails'}
                >${verdictText(verdict)}</strong
              >${claimText(check.claim)}<span data-testid="experiment-check-measured"
                >${check.measured ?? valuesText(check.values)}</span
              >
            </li>`;
        })}
      </ul>
    `;
  }

  private renderSaved() {
    const c = this.experiments;
    if (c.records.length === 0) return nothing;
    return html`
      <h3>${msg('Saved experiment sessions')}</h3>
      <table data-testid="experiment-sessions">
        <thead>
          <tr>
            <th>${msg('Experiment')}</th>
            <th>${msg('Mode')}</th>
            <th>${msg('Status')}</th>
            <th>${msg('Checks holding')}</th>
            <th>${msg('Updated')}</th>
            <th><span class="visually-hidden">${msg('Actions')}</span></th>
          </tr>
        </thead>
        <tbody>
          ${c.records.map((r) => {
            const status = shownStatus(r, c.activeId);
            const holding = r.finding.checks.filter((k) => k.holds).length;
            return html`<tr data-testid="experiment-session" data-id=${r.id} data-name=${r.name} data-status=${status}>
              <td>${r.name}</td>
              <td>${modeText(r.quick)}</td>
              <td>${runStatusText(status)}${r.error ? html` <span class="error small">${r.error}</span>` : nothing}</td>
              <td>${holdingText(holding, r.finding.checks.length)}</td>
              <td>${new Date(r.updatedAt).toLocaleString(currentLocale())}</td>
              <td class="row">
                <button data-testid="experiment-show" @click=${() => void c.show(r)}>${msg('Show')}</button>
                ${
                  !r.complete && status !== 'running'
                    ? html`<button
                      data-testid="experiment-resume"
                      ?disabled=${c.busy}
                      @click=${() => void c.run(r.name, r.quick, r)}
                    >
                      ${msg('Resume')}
                    </button>`
                    : nothing
                }
                <button
                  class="danger"
                  data-testid="experiment-delete"
                  ?disabled=${r.id === c.activeId}
                  @click=${() => void c.remove(r.id)}
                >
                  ${msg('Delete')}
                </button>
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    `;
  }
}

function verdictText(verdict: 'true' | 'false' | 'pending'): string {
  if (verdict === 'true') return msg('✓ holds');
  if (verdict === 'false') return msg('✗ does not hold');
  return msg('… not measured yet');
}

/**
 * ": <claim>. " after the verdict, up to the measured sentence (one message: Chinese ends it with
 * "。" and no space).
 */
function claimText(claim: string): string {
  return msg(str`: ${claim}. `);
}

/** "<title>. <reference>" under an experiment's question. */
function titleAndReference(title: string, reference: string): string {
  return msg(str`${title}. ${reference}`);
}

function modeText(quick: boolean): string {
  return quick ? msg('quick') : msg('full');
}

/** "(quick, completed)" beside a shown session's question. */
function modeAndStatus(quick: boolean, status: RunStatus): string {
  const mode = modeText(quick);
  const state = runStatusText(status);
  return msg(str`(${mode}, ${state})`);
}

function holdingText(holding: number, total: number): string {
  return msg(str`${holding} of ${total}`);
}

/** "40% — 3 of 8 configurations (now local-bn/b2/s1)". */
function progressText(
  percent: number,
  done: number,
  total: number | string,
  current: string | undefined,
): string {
  return current
    ? msg(str`${percent}% — ${done} of ${total} configurations (now ${current})`)
    : msg(str`${percent}% — ${done} of ${total} configurations`);
}

/** A check saved without its sentence (and not recomputable): its numbers, as they were. */
function valuesText(values: Record<string, number>): string {
  return `(${Object.entries(values)
    .map(([k, v]) => `${k} = ${formatValue(v)}`)
    .join(', ')})`;
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return '–';
  return Number.isInteger(v) ? String(v) : v.toPrecision(3);
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-experiments': ExperimentsSection;
  }
}
