import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import {
  FIELD_GROUPS,
  FIELDS,
  type FieldGroupId,
  type FormValues,
} from '../model/config-fields.ts';
import { DEFAULT_CHOICES } from '../../config/schema-defaults.ts';
import { inputToForm } from '../model/config-form.ts';
import {
  COMPARE_FIELD_LABELS,
  COMPARE_FIELDS,
  type CompareField,
  type Study,
  isCompareField,
} from '../model/study.ts';
import { type FormState, formState, type RunRequest } from '../model/form-state.ts';
import { presetShown } from '../model/preset-match.ts';
import { PRESETS } from '../model/presets.ts';
import { setupFormStyles } from './sbl-setup-form.styles.ts';
import { fieldId, renderField } from './field-view.ts';

export type { RunRequest } from '../model/form-state.ts';

export interface RunStudyDetail {
  readonly runs: readonly RunRequest[];
  /** What the runs came from (the app puts it in the URL). */
  readonly study: Study;
}

export interface StudyChangeDetail {
  readonly study: Study;
  /** Every variant passed validation. */
  readonly valid: boolean;
}

/** Groups that start folded (they hold fine-tuning a first study does not need). */
const FOLDED: readonly FieldGroupId[] = ['norm', 'eval', 'advanced'];

/** The schema's defaults, shown as the placeholders of empty boxes. */
const DEFAULTS: FormValues = inputToForm(DEFAULT_CHOICES);

/**
 * The study setup: every config field, grouped, validated with the run schema as you type
 * (problems next to their field), presets, and an optional side-by-side comparison along one
 * field. Fires `study-change` on every edit and `run-study` with the runs to start.
 */
@customElement('sbl-setup-form')
export class SetupForm extends LitElement {
  static override styles = setupFormStyles;

  /** The study to show (from the link, a preset or a library run); a new object reloads the form. */
  @property({ attribute: false }) study: Study | null = null;
  /** A run is in progress: Run is disabled. */
  @property({ type: Boolean }) busy = false;

  @state() private values: FormValues = {};
  @state() private compareField: CompareField | '' = '';
  @state() private compareText = '';
  /** What the form shows, links, runs and saves, computed from the values alone (form-state.ts). */
  private state: FormState | null = null;
  /** The study last announced to the page (study-change). */
  private announced: Study | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A study this form announced comes back from the page unchanged: reloading it would reset
    // what is being typed (a box reading "0." would become "0").
    if (changed.has('study') && this.study && this.study !== this.announced) {
      this.values = inputToForm(this.study.config);
      this.compareField = this.study.compare?.field ?? '';
      this.compareText = this.study.compare?.values.join(', ') ?? '';
    }
    this.state = formState(this.values, this.compareField, this.compareText);
  }

  protected override updated(): void {
    // A select's selectedness stops following its options' attributes once the user touched it.
    for (const select of this.renderRoot.querySelectorAll<HTMLSelectElement>('select[data-key]')) {
      const key = select.dataset.key!;
      const v = key === 'compare' ? this.compareField : this.values[key];
      if (typeof v === 'string' && select.value !== v) select.value = v;
    }
  }

  /** The state for the values as they are now (never a stale one: Run reads it afresh). */
  private current(): FormState {
    return formState(this.values, this.compareField, this.compareText);
  }

  private change(key: string, value: string | boolean): void {
    this.values = { ...this.values, [key]: value };
    this.announce();
  }

  private setCompare(field: string, text: string): void {
    this.compareField = isCompareField(field) ? field : '';
    this.compareText = text;
    this.announce();
  }

  /** Tell the app after the next validation (hash, presets in sync). */
  private announce(): void {
    this.updateComplete.then(() => {
      const state = this.current();
      this.announced = state.study;
      const detail: StudyChangeDetail = {
        study: state.study,
        valid: state.blockers.length === 0,
      };
      this.dispatchEvent(
        new CustomEvent('study-change', { detail, bubbles: true, composed: true }),
      );
    });
  }

  private choosePreset(id: string): void {
    const preset = PRESETS.find((p) => p.id === id);
    if (!preset) return;
    this.study = preset.study;
    this.announce();
  }

  private submit(e: Event): void {
    e.preventDefault();
    const state = this.current();
    if (this.busy || state.blockers.length > 0) {
      // Run is disabled then; Enter in a text box still submits, so show where to look.
      this.updateComplete.then(() => {
        const first = this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]');
        first?.closest('details')?.setAttribute('open', '');
        first?.focus();
      });
      return;
    }
    const detail: RunStudyDetail = { runs: state.runs, study: state.study };
    this.dispatchEvent(new CustomEvent('run-study', { detail, bubbles: true, composed: true }));
  }

  /** Ctrl+Enter (⌘+Enter on a Mac) anywhere in the form runs it, as Run would. */
  private onKeydown(e: KeyboardEvent): void {
    if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.isComposing) return;
    e.preventDefault();
    this.renderRoot.querySelector('form')?.requestSubmit();
  }

  override render() {
    const state = this.state;
    if (!state) return nothing;
    const r = state.reading;
    const problems = state.shownProblems;
    const blocked = state.blockers.length > 0;
    const active = presetShown(this.state?.study);
    const activePreset = PRESETS.find((p) => p.id === active);
    const steps = state.runs.reduce((s, run) => s + run.config.steps, 0);
    const badVariants = state.study.compare ? state.variants.filter((v) => v.config === null) : [];
    return html`
      <form @submit=${this.submit} @keydown=${this.onKeydown} novalidate aria-labelledby="setup-title">
        <h2 id="setup-title">Study</h2>
        <div role="group" aria-labelledby="presets-label">
          <p id="presets-label" class="small muted">Start from a preset:</p>
          <div class="presets">
            ${PRESETS.map(
              (p) => html`<button
                type="button"
                aria-pressed=${p.id === active ? 'true' : 'false'}
                @click=${() => this.choosePreset(p.id)}
              >
                ${p.title}
              </button>`,
            )}
          </div>
          ${
            activePreset
              ? html`<p class="small">${activePreset.description}</p>
                  <p class="small" data-testid="preset-look-at"><strong>What to look at:</strong> ${activePreset.lookAt}</p>`
              : nothing
          }
        </div>

        ${FIELD_GROUPS.map((g) => {
          const fields = FIELDS.filter((f) => f.group === g.id);
          const errors = fields.filter((f) => problems[f.path]?.length).length;
          return html`<details ?open=${!FOLDED.includes(g.id) || errors > 0}>
            <summary>
              ${g.title}
              ${errors > 0 ? html`<span class="count error">(${errors} to fix)</span>` : nothing}
            </summary>
            <div class="grid">
              ${fields.map((f) =>
                renderField(
                  f,
                  this.values,
                  DEFAULTS,
                  problems[f.path],
                  (k, v) => this.change(k, v),
                  this.compareField === f.path,
                ),
              )}
            </div>
          </details>`;
        })}

        <details open>
          <summary>Side by side</summary>
          <div class="compare">
            <div class="field">
              <label for="compare-field">Vary one setting</label>
              <select
                id="compare-field"
                data-key="compare"
                @change=${(e: Event) => this.setCompare((e.target as HTMLSelectElement).value, this.compareText)}
              >
                <option value="" ?selected=${this.compareField === ''}>nothing (one run)</option>
                ${COMPARE_FIELDS.map(
                  (f) =>
                    html`<option value=${f} ?selected=${f === this.compareField}>${COMPARE_FIELD_LABELS[f]}</option>`,
                )}
              </select>
            </div>
            <div class="field">
              <label for="compare-values">Values (comma-separated)</label>
              <input
                id="compare-values"
                type="text"
                autocomplete="off"
                spellcheck="false"
                .value=${this.compareText}
                ?disabled=${this.compareField === ''}
                aria-describedby="compare-help"
                aria-invalid=${badVariants.length > 0 ? 'true' : 'false'}
                @input=${(e: Event) => this.setCompare(this.compareField, (e.target as HTMLInputElement).value)}
              />
            </div>
            <div id="compare-help" class="full-row">
              <span class="help">One run per value, one after another, drawn on the same charts.</span>
              ${
                badVariants.length > 0
                  ? html`<ul class="variants problem">
                    ${badVariants.map((v) => html`<li>${v.label}: ${v.problems.join('; ')}</li>`)}
                  </ul>`
                  : nothing
              }
            </div>
          </div>
        </details>

        ${
          r.problems.general.length > 0
            ? html`<div class="notice" role="alert">${r.problems.general.map((m) => html`<p>${m}</p>`)}</div>`
            : nothing
        }

        <div class="run-bar">
          <button
            type="submit"
            class="primary"
            data-testid="run-button"
            ?disabled=${this.busy || blocked}
            aria-describedby="run-why"
            aria-keyshortcuts="Control+Enter Meta+Enter"
            title="Run (Ctrl+Enter or ⌘+Enter anywhere in the form)"
          >
            Run
          </button>
          <div id="run-why" class="small ${blocked ? 'problem' : 'muted'}" aria-live="polite" data-testid="run-why">
            ${
              blocked
                ? html`<span>Run is off until ${state.blockers.length === 1 ? 'this is' : `these ${state.blockers.length} are`} fixed:</span>
                    <ul class="blockers">
                      ${state.blockers.map((b) => html`<li>${b}</li>`)}
                    </ul>`
                : `${state.runs.length} ${state.runs.length === 1 ? 'run' : 'runs'} · ${steps} steps in all`
            }
          </div>
        </div>
      </form>
    `;
  }

  /** Focus the Run button (the page's "Skip to Run" control). */
  focusRun(): void {
    this.renderRoot.querySelector<HTMLElement>('[data-testid="run-button"]')?.focus();
  }

  /** Focus the first field of the form (used by the app after a preset is loaded from a link). */
  focusFirst(): void {
    this.renderRoot.querySelector<HTMLElement>(`#${fieldId('dataset.name')}`)?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-setup-form': SetupForm;
  }
  interface HTMLElementEventMap {
    'study-change': CustomEvent<StudyChangeDetail>;
    'run-study': CustomEvent<RunStudyDetail>;
  }
}
