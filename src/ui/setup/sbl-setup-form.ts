import { localized, msg, str } from '@lit/localize';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { FieldSpec, FormValues } from '../model/config-fields.ts';
import {
  fieldApplies,
  LESSON_FIELDS,
  newSettingsProblem,
  settingsProblemPaths,
  settingsSections,
} from '../model/field-layout.ts';
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

/** The run bar's summary: "2 runs · 600 steps in all" (English byte for byte as before). */
function runSummary(runs: number, steps: number): string {
  return runs === 1
    ? msg(str`1 run · ${steps} steps in all`)
    : msg(str`${runs} runs · ${steps} steps in all`);
}

/** The schema's defaults, shown as the placeholders of empty boxes. */
const DEFAULTS: FormValues = inputToForm(DEFAULT_CHOICES);

/**
 * The study setup. First, what decides the lesson: devices, per-device batch, BN statistics, what
 * to compare, and Run (on the first screen of a phone too); then the presets, and every other
 * config field under a closed "All settings", grouped, showing only what applies (field-layout.ts). Validated with the run schema
 * as you type (problems next to their field; a new problem under "All settings" opens it). Fires
 * `study-change` on every edit and `run-study` with the runs to start.
 */
@customElement('sbl-setup-form')
@localized()
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
  /** "All settings" is open (the user opened it, or a problem appeared in it). */
  @state() private allOpen = false;
  /** The fields under "All settings" with a problem at the last render. */
  private settingsProblems: ReadonlySet<string> = new Set();

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A study this form announced comes back from the page unchanged: reloading it would reset
    // what is being typed (a box reading "0." would become "0").
    if (changed.has('study') && this.study && this.study !== this.announced) {
      this.values = inputToForm(this.study.config);
      this.compareField = this.study.compare?.field ?? '';
      this.compareText = this.study.compare?.values.join(', ') ?? '';
    }
    this.state = formState(this.values, this.compareField, this.compareText);
    // A problem must never sit unseen in a closed section: a new one opens it.
    const problems = settingsProblemPaths(this.state.shownProblems);
    if (newSettingsProblem(this.settingsProblems, problems)) this.allOpen = true;
    this.settingsProblems = problems;
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
        if (first?.closest('details')?.open === false) this.allOpen = true;
        this.updateComplete.then(() => first?.focus());
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

  /** One field, as it stands in the study (varied side by side, or without effect here). */
  private field(f: FieldSpec, state: FormState) {
    return renderField(
      f,
      this.values,
      DEFAULTS,
      state.shownProblems[f.path],
      (k, v) => this.change(k, v),
      {
        varied: this.compareField === f.path,
        applies: fieldApplies(f, this.values, state.study.compare),
      },
    );
  }

  private renderPresets() {
    const active = presetShown(this.state?.study);
    const activePreset = PRESETS.find((p) => p.id === active);
    return html`<div role="group" aria-labelledby="presets-label" class="preset-group">
      <p id="presets-label" class="small muted">${msg('Or start from a preset:')}</p>
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
              <p class="small" data-testid="preset-look-at">${msg(html`<strong>What to look at:</strong> ${activePreset.lookAt}`)}</p>`
          : nothing
      }
    </div>`;
  }

  /** What to compare: one setting varied side by side (one run per value). */
  private renderCompare(state: FormState) {
    const badVariants = state.study.compare ? state.variants.filter((v) => v.config === null) : [];
    return html`<div class="compare" role="group" aria-labelledby="compare-title">
      <p id="compare-title" class="section-title">${msg('Compare')}</p>
      <div class="field">
        <label for="compare-field">${msg('Vary one setting')}</label>
        <select
          id="compare-field"
          data-key="compare"
          @change=${(e: Event) => this.setCompare((e.target as HTMLSelectElement).value, this.compareText)}
        >
          <option value="" ?selected=${this.compareField === ''}>${msg('nothing (one run)')}</option>
          ${COMPARE_FIELDS.map(
            (f) =>
              html`<option value=${f} ?selected=${f === this.compareField}>${COMPARE_FIELD_LABELS[f]}</option>`,
          )}
        </select>
      </div>
      <div class="field">
        <label for="compare-values">${msg('Values (comma-separated)')}</label>
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
        <span class="help">${msg('One run per value, drawn on the same charts.')}</span>
        ${
          badVariants.length > 0
            ? html`<ul class="variants problem">
              ${badVariants.map((v) => html`<li>${v.shown}: ${v.problems.join('; ')}</li>`)}
            </ul>`
            : nothing
        }
      </div>
    </div>`;
  }

  private renderRunBar(state: FormState) {
    const blocked = state.blockers.length > 0;
    const steps = state.runs.reduce((s, run) => s + run.config.steps, 0);
    return html`<div class="run-bar">
      <button
        type="submit"
        class="primary"
        data-testid="run-button"
        ?disabled=${this.busy || blocked}
        aria-describedby="run-why"
        aria-keyshortcuts="Control+Enter Meta+Enter"
        title=${msg('Run (Ctrl+Enter or ⌘+Enter anywhere in the form)')}
      >
        ${msg('Run')}
      </button>
      <div id="run-why" class="small ${blocked ? 'problem' : 'muted'}" aria-live="polite" data-testid="run-why">
        ${
          blocked
            ? html`<span>${state.blockers.length === 1 ? msg('Run is off until this is fixed:') : msg(str`Run is off until these ${state.blockers.length} are fixed:`)}</span>
                <ul class="blockers">
                  ${state.blockers.map((b) => html`<li>${b}</li>`)}
                </ul>`
            : runSummary(state.runs.length, steps)
        }
      </div>
    </div>`;
  }

  /** Every other setting, grouped, only those that apply (or have a problem), closed at first. */
  private renderAllSettings(state: FormState) {
    const sections = settingsSections(this.values, state.study.compare, state.shownProblems);
    const errors = sections.reduce((n, s) => n + s.problems, 0);
    return html`<details
      class="all-settings"
      data-testid="all-settings"
      ?open=${this.allOpen}
      @toggle=${(e: Event) => {
        this.allOpen = (e.target as HTMLDetailsElement).open;
      }}
    >
      <summary>
        ${msg('All settings')}
        ${errors > 0 ? html`<span class="count error">${msg(str`(${errors} to fix)`)}</span>` : nothing}
      </summary>
      <p class="help settings-note">${msg('Only the settings that matter for this study are listed.')}</p>
      ${sections.map(
        (s) => html`<fieldset data-group=${s.id}>
          <legend>
            ${s.title}
            ${s.problems > 0 ? html`<span class="count error">${msg(str`(${s.problems} to fix)`)}</span>` : nothing}
          </legend>
          <div class="grid">${s.fields.map((f) => this.field(f, state))}</div>
        </fieldset>`,
      )}
    </details>`;
  }

  override render() {
    const state = this.state;
    if (!state) return nothing;
    const general = state.reading.problems.general;
    return html`
      <form @submit=${this.submit} @keydown=${this.onKeydown} novalidate aria-labelledby="setup-title">
        <h2 id="setup-title">${msg('Study')}</h2>
        <div class="grid lesson" data-testid="lesson-fields">
          ${LESSON_FIELDS.map((f) => this.field(f, state))}
        </div>
        ${this.renderCompare(state)}
        ${
          general.length > 0
            ? html`<div class="notice" role="alert">${general.map((m) => html`<p>${m}</p>`)}</div>`
            : nothing
        }
        ${this.renderRunBar(state)}
        ${this.renderPresets()}
        ${this.renderAllSettings(state)}
      </form>
    `;
  }

  /** Focus the Run button (the page's "Skip to Run" control). */
  focusRun(): void {
    this.renderRoot.querySelector<HTMLElement>('[data-testid="run-button"]')?.focus();
  }

  /** Focus the first field of the form (the first of those that decide the lesson). */
  focusFirst(): void {
    const first = LESSON_FIELDS[0];
    if (first) this.renderRoot.querySelector<HTMLElement>(`#${fieldId(first.path)}`)?.focus();
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
