import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../charts/index.ts';
import type { CostResult, GpuId } from '../../cost/index.ts';
import {
  bnModeLabel,
  CLUSTER_PRESETS,
  type ClusterPresetId,
  COSTED_MODELS,
  type ComparisonRow,
  type CostChoice,
  type CostedModel,
  type CostField,
  type CostRun,
  choiceProblems,
  clusterEstimateSteps,
  clusterLabel,
  clusterPreset,
  comparisonRows,
  defaultChoice,
  GPUS,
  gpuLabel,
  modelLabel,
} from '../model/cost-panel.ts';
import { formatPercent } from '../model/format.ts';
import { sharedStyles } from '../styles.ts';
import { costMs, signedMs, signedPct, signedPp } from './cost-panel-format.ts';

/** A step computed in less than this (ms) is all latency: the panel says so. */
const TINY_COMPUTE_MS = 0.1;

/**
 * "Cost on a cluster": what SyncBN would cost on a real cluster, beside what it did to accuracy
 * here. The user picks a cluster preset, a GPU, K and the model to cost (each run's own simulated
 * model or a real architecture at the run's per-device batch); the panel shows each run's measured
 * test accuracy beside its modelled step time (src/cost), the step time of every BN mode at K, and
 * the overhead against K from 1 to 1024. Bad input gets a message at its field; nothing throws.
 *
 * The model runs at input, not at render: the runs' rows (two step timelines each) when the
 * choice or the runs change, the full estimate with its scaling table in a task of its own after
 * that, so the page never sits on it while training.
 */
@customElement('sbl-cost-panel')
@localized()
export class CostPanel extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        margin-top: 1.2rem;
      }
      .pickers {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem 1.2rem;
        align-items: start;
        margin-bottom: 0.6rem;
      }
      .field {
        display: flex;
        flex-direction: column;
        font-size: 0.9rem;
        gap: 0.15rem;
        max-width: 100%;
      }
      .field select {
        max-width: 100%;
      }
      .field input {
        width: 8rem;
      }
      .field .error {
        color: var(--sbl-error);
        max-width: 22rem;
        margin: 0;
      }
      .table-wrap {
        overflow-x: auto;
        margin-top: 0.6rem;
      }
      .hint {
        border-left: 0.25rem solid var(--sbl-accent, currentColor);
        padding: 0.1rem 0 0.1rem 0.6rem;
      }
      h4 {
        margin: 1rem 0 0.3rem;
        font-size: 1rem;
      }
      td.num,
      th.num {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  /** The runs compared (a study's, or saved runs in the library). */
  @property({ attribute: false }) runs: readonly CostRun[] = [];

  @state() private choice: CostChoice | null = null;
  @state() private rows: readonly ComparisonRow[] = [];
  @state() private estimate: CostResult | null = null;
  /** The model failed on input the checks let through: said, never thrown. */
  @state() private failure = '';

  private rowsKey = '';
  private estimateKey = '';
  private estimateTimer: ReturnType<typeof setTimeout> | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.estimateTimer !== null) clearTimeout(this.estimateTimer);
    this.estimateTimer = null;
    this.estimateKey = '';
  }

  protected override willUpdate(): void {
    const first = this.runs[0];
    if (!this.choice && first) this.choice = defaultChoice(first.config.devices);
    const choice = this.choice;
    if (!choice) return;
    const runsKey = this.runs.map((r) => `${r.key}\u0001${r.label}`).join('\u0000');
    const choiceKey = JSON.stringify(choice);
    const rowsKey = `${choiceKey}|${runsKey}|${this.runs.map((r) => r.testAcc).join(',')}`;
    if (rowsKey !== this.rowsKey) {
      this.rowsKey = rowsKey;
      this.rows = this.attempt(() => comparisonRows(choice, this.runs), []);
    }
    const estimateKey = `${choiceKey}|${runsKey}`;
    if (estimateKey !== this.estimateKey) {
      this.estimateKey = estimateKey;
      // The costly part (every mode at K, then K = 1…1024), a piece per task: the page never
      // waits on it, and a newer choice cancels it.
      if (this.estimateTimer !== null) clearTimeout(this.estimateTimer);
      const steps = clusterEstimateSteps(choice, this.runs);
      const advance = (): void => {
        this.estimateTimer = null;
        const next = this.attempt(() => steps.next(), { done: true, value: null } as const);
        if (next.done) this.estimate = next.value;
        else this.estimateTimer = setTimeout(advance, 0);
      };
      this.estimateTimer = setTimeout(advance, 0);
    }
  }

  /** Runs the model; anything it throws becomes the panel's message, never an exception. */
  private attempt<T>(compute: () => T, fallback: T): T {
    try {
      this.failure = '';
      return compute();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.failure = msg(str`The cost model could not cost this choice: ${why}`);
      return fallback;
    }
  }

  private set(patch: Partial<CostChoice>): void {
    if (this.choice) this.choice = { ...this.choice, ...patch };
  }

  override render() {
    const choice = this.choice;
    if (!choice || this.runs.length === 0) return nothing;
    const problems = choiceProblems(choice);
    const problemOf = (field: CostField) => problems.find((p) => p.field === field)?.message ?? '';
    const preset = clusterPreset(choice.preset);
    const estimate = problems.length === 0 ? this.estimate : null;
    const k = choice.gpus.trim();
    return html`<section aria-labelledby="cost-title" data-testid="cost-panel">
      <h3 id="cost-title">${msg('Cost on a cluster')}</h3>
      <p class="small muted">
        ${msg(
          "What SyncBN would cost on a real cluster, beside what it did to accuracy here. The time is modelled, not measured: PyTorch's collectives for BN and DDP's gradients per step, timed with a latency–bandwidth model calibrated on published NCCL measurements (stragglers, contention and host syncs are left out, so real overheads are often larger).",
        )}
      </p>
      <div class="pickers">
        <label class="field"
          >${msg('Cluster')}
          <select
            data-testid="cost-preset"
            @change=${(e: Event) => {
              this.set({ preset: (e.target as HTMLSelectElement).value as ClusterPresetId });
            }}
          >
            ${CLUSTER_PRESETS.map(
              (p) =>
                html`<option value=${p.id} ?selected=${p.id === choice.preset}>${clusterLabel(p.id)}</option>`,
            )}
          </select>
        </label>
        <label class="field"
          >${msg('GPU')}
          <select
            data-testid="cost-gpu"
            @change=${(e: Event) => {
              this.set({ gpu: (e.target as HTMLSelectElement).value as GpuId });
            }}
          >
            ${GPUS.map(
              (g) =>
                html`<option value=${g.id} ?selected=${g.id === choice.gpu}>${gpuLabel(g.id)}</option>`,
            )}
          </select>
        </label>
        ${this.numberField(
          'gpus',
          msg('GPUs (K)'),
          choice.gpus,
          problemOf('gpus'),
          'numeric',
          (v) => this.set({ gpus: v }),
        )}
        <label class="field"
          >${msg('Model to cost')}
          <select
            data-testid="cost-model"
            @change=${(e: Event) => {
              this.set({ model: (e.target as HTMLSelectElement).value as CostedModel });
            }}
          >
            ${COSTED_MODELS.map(
              (m) =>
                html`<option value=${m} ?selected=${m === choice.model}>${modelLabel(m)}</option>`,
            )}
          </select>
        </label>
        ${this.numberField(
          'computeMs',
          msg('Compute per step, ms (empty: from FLOPs)'),
          choice.computeMs,
          problemOf('computeMs'),
          'decimal',
          (v) => this.set({ computeMs: v }),
        )}
      </div>
      ${this.failure ? html`<p class="notice" role="alert" data-testid="cost-failure">${this.failure}</p>` : nothing}
      ${problems.length === 0 ? this.renderRows(k) : nothing}
      ${estimate ? this.renderModes(estimate) : nothing}
      ${
        problems.length === 0
          ? html`<sbl-cost-scaling-chart
              .rows=${estimate?.scaling ?? []}
              gpusPerNode=${preset.gpusPerNode}
              model=${modelLabel(choice.model)}
            ></sbl-cost-scaling-chart>`
          : nothing
      }
    </section>`;
  }

  /** A number field with its problem tied to it (aria-invalid, aria-describedby). */
  private numberField(
    field: CostField,
    label: string,
    value: string,
    problem: string,
    inputMode: 'numeric' | 'decimal',
    onInput: (value: string) => void,
  ): TemplateResult {
    // Text, not type=number: what was typed stays in the field and its message quotes it.
    const errorId = `cost-${field}-error`;
    return html`<div class="field">
      <label for="cost-${field}">${label}</label>
      <input
        id="cost-${field}"
        type="text"
        inputmode=${inputMode}
        autocomplete="off"
        data-testid="cost-${field}"
        .value=${value}
        aria-invalid=${problem ? 'true' : 'false'}
        aria-describedby=${problem ? errorId : nothing}
        @input=${(e: Event) => onInput((e.target as HTMLInputElement).value)}
      />
      ${problem ? html`<p class="error small" id=${errorId} data-testid="cost-${field}-error">${problem}</p>` : nothing}
    </div>`;
  }

  private renderRows(k: string): TemplateResult | typeof nothing {
    const rows = this.rows;
    if (rows.length === 0) return nothing;
    const base = rows.find((r) => r.baseline);
    const baseLabel = base?.label ?? '';
    const compute = rows.find((r) => r.computeMs !== null)?.computeMs ?? null;
    return html`<h4 id="cost-compare-title">${msg(str`Measured here, modelled at K = ${k}`)}</h4>
      <p class="small muted">
        ${msg(
          str`Test accuracy as the runs reached it in this browser; step time as the cost model predicts it for the same per-device batch on the chosen cluster, compute ${costMs(compute)} per step. Differences are against “${baseLabel}”.`,
        )}
      </p>
      ${
        compute !== null && compute < TINY_COMPUTE_MS && this.choice?.computeMs.trim() === ''
          ? html`<p class="small hint" data-testid="cost-tiny-compute">
              ${msg(
                'Estimated from its FLOPs, this model computes a step in far less than a millisecond on this GPU, so its step is almost all communication and the percentages are large. Cost a real architecture, or type a compute time you measured, for an overhead you can compare with a real training job.',
              )}
            </p>`
          : nothing
      }
      <div class="table-wrap" tabindex="0" role="region" aria-labelledby="cost-compare-title">
        <table class="small" data-testid="cost-rows">
          <thead>
            <tr>
              <th scope="col">${msg('Run')}</th>
              <th scope="col">${msg('BN statistics')}</th>
              <th scope="col" class="num">${msg('Test accuracy (measured)')}</th>
              <th scope="col" class="num">${msg('Accuracy difference')}</th>
              <th scope="col" class="num">${msg('Step time (modelled)')}</th>
              <th scope="col" class="num">${msg('Step time difference')}</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (r) => html`<tr data-testid="cost-row">
                <th scope="row">${r.label}</th>
                <td>${r.mode}</td>
                <td class="num">${formatPercent(r.accuracy)}</td>
                <td class="num">${r.baseline ? msg('baseline') : signedPp(r.accuracyDeltaPp)}</td>
                <td class="num">${r.note ?? costMs(r.stepMs)}</td>
                <td class="num">${
                  r.baseline
                    ? msg('baseline')
                    : r.stepDeltaMs === null
                      ? '–'
                      : `${signedMs(r.stepDeltaMs)} (${signedPct(r.stepDeltaPct)})`
                }</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }

  private renderModes(estimate: CostResult): TemplateResult {
    // The K it was costed at (SyncBN's group): a newer K is shown once its estimate is done.
    const k = estimate.modes[1]?.group ?? 1;
    return html`<h4 id="cost-modes-title">${msg(str`Every BN mode at K = ${k} (modelled)`)}</h4>
      <div class="table-wrap" tabindex="0" role="region" aria-labelledby="cost-modes-title">
        <table class="small" data-testid="cost-modes">
          <thead>
            <tr>
              <th scope="col">${msg('BN statistics')}</th>
              <th scope="col" class="num">${msg('Step time')}</th>
              <th scope="col" class="num">${msg('Over local BN')}</th>
              <th scope="col" class="num">${msg('Collectives per step')}</th>
            </tr>
          </thead>
          <tbody>
            ${estimate.modes.map(
              (m) => html`<tr>
                <th scope="row">${bnModeLabel(m.mode)}</th>
                <td class="num">${costMs(m.times.stepMs)}</td>
                <td class="num">${
                  m.mode === 'local'
                    ? '–'
                    : `${signedMs(m.overheadMs)} (${signedPct(m.overheadPct)})`
                }</td>
                <td class="num">${m.collectivesPerStep.total}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-cost-panel': CostPanel;
  }
}
