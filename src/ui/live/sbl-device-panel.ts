import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../charts/index.ts';
import type { BandKind, MismatchRun, NoiseBatchRun } from '../charts/index.ts';
import { POPULATION_SAMPLES } from '../../coordinator/population.ts';
import { intlLocale } from '../../experiments/kit/words.ts';
import type { LiveRun } from '../session/live-run.ts';
import { pickDevicePanel } from './device-panel-pick.ts';
import { sharedStyles } from '../styles.ts';

/**
 * Inside the devices of one run: each device's batch statistics for a chosen BN layer and channel
 * next to the global batch's and how far they scatter (noise); what each device normalized with
 * (its own batch's, its group's or the global one) and, at each evaluation, the running statistics
 * the model tests with against the population statistics of the training set, per run and across
 * the study's runs (the train/test mismatch). How long this browser's workers computed and waited
 * is not shown: it says nothing about a cluster; the cost panel (sbl-cost-panel) answers what
 * SyncBN costs, from a model of a real cluster.
 */
@customElement('sbl-device-panel')
@localized()
export class DevicePanel extends LitElement {
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
        align-items: end;
        margin-bottom: 0.6rem;
      }
      .pickers label {
        display: flex;
        flex-direction: column;
        font-size: 0.9rem;
        gap: 0.15rem;
      }
      .pickers label.check {
        flex-direction: row;
        align-items: center;
        gap: 0.35rem;
      }
      h4 {
        margin: 1rem 0 0.3rem;
        font-size: 1rem;
      }
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
        gap: 1rem;
      }
    `,
  ];

  @property({ attribute: false }) runs: readonly LiveRun[] = [];
  /** The run to show (the session's featured one) until the user chooses another. */
  @property({ type: Number }) featured = 0;

  @state() private runKey = '';
  @state() private layer = '';
  @state() private channel = 0;
  @state() private stat: 'mean' | 'var' = 'mean';
  @state() private band: BandKind = 'minmax';
  @state() private showDevices = false;
  private userPickedRun = false;

  protected override willUpdate(): void {
    const pick = pickDevicePanel(this.runs, this.featured, this.userPickedRun, {
      runKey: this.runKey,
      layer: this.layer,
    });
    if (pick.runKey !== this.runKey) this.runKey = pick.runKey;
    if (pick.layer !== this.layer) this.layer = pick.layer;
  }

  private selected(): LiveRun | undefined {
    return this.runs.find((r) => r.key === this.runKey);
  }

  override render() {
    const run = this.selected();
    const t = run?.telemetry ?? null;
    const layers = Object.keys(t?.bn ?? {});
    const channels = t && this.layer ? (t.bn[this.layer]?.channels ?? []) : [];
    // Every run of the study with statistics, for noise against per-device batch across runs
    // (drawn when they differ in per-device batch: one batch makes no curve).
    const noiseRuns: NoiseBatchRun[] = this.runs
      .filter((r) => r.telemetry && Object.keys(r.telemetry.bn).length > 0)
      .map((r) => ({
        id: r.key,
        label: r.label,
        // A global batch split over the devices: their mean share.
        perDeviceBatch: r.config.perDeviceBatch ?? r.config.globalBatch / r.config.devices,
        bn: r.telemetry?.bn ?? null,
      }));
    const mismatchRuns: MismatchRun[] = this.runs
      .filter((r) => r.eval.some((e) => e.population))
      .map((r) => ({ id: r.key, label: r.label, eval: r.eval }));
    return html`
      <section aria-labelledby="devices-title">
        <h3 id="devices-title">${msg('Inside the devices')}</h3>
        <div class="pickers">
          <label
            >${msg('Run')}
            <select
              data-testid="device-run-select"
              .value=${this.runKey}
              @change=${(e: Event) => {
                this.userPickedRun = true;
                this.runKey = (e.target as HTMLSelectElement).value;
              }}
            >
              ${this.runs
                .filter((r) => r.telemetry)
                .map(
                  (r) =>
                    html`<option value=${r.key} ?selected=${r.key === this.runKey}>${r.label}</option>`,
                )}
            </select>
          </label>
          <label
            >${msg('BN layer')}
            <select
              data-testid="layer-select"
              ?disabled=${layers.length === 0}
              @change=${(e: Event) => {
                this.layer = (e.target as HTMLSelectElement).value;
                this.channel = 0;
              }}
            >
              ${layers.length === 0 ? html`<option value="">${msg('none (no batch norm)')}</option>` : nothing}
              ${layers.map((l) => html`<option value=${l} ?selected=${l === this.layer}>${l}</option>`)}
            </select>
          </label>
          <label
            >${msg('Channel')}
            <select
              data-testid="channel-select"
              ?disabled=${channels.length === 0}
              @change=${(e: Event) => {
                this.channel = Number((e.target as HTMLSelectElement).value);
              }}
            >
              ${channels.map((c, i) => html`<option value=${i} ?selected=${i === this.channel}>${c}</option>`)}
            </select>
          </label>
          <label
            >${msg('Statistic')}
            <select
              data-testid="stat-select"
              @change=${(e: Event) => {
                this.stat = (e.target as HTMLSelectElement).value === 'var' ? 'var' : 'mean';
              }}
            >
              <option value="mean" ?selected=${this.stat === 'mean'}>${msg('mean')}</option>
              <option value="var" ?selected=${this.stat === 'var'}>${msg('variance')}</option>
            </select>
          </label>
          <label
            >${msg('Spread across devices')}
            <select
              data-testid="band-select"
              @change=${(e: Event) => {
                this.band = (e.target as HTMLSelectElement).value === 'std' ? 'std' : 'minmax';
              }}
            >
              <option value="minmax" ?selected=${this.band === 'minmax'}>${msg('min–max band')}</option>
              <option value="std" ?selected=${this.band === 'std'}>${msg('mean ± 1 std band')}</option>
            </select>
          </label>
          <label class="check"
            ><input
              type="checkbox"
              data-testid="show-devices"
              .checked=${this.showDevices}
              @change=${(e: Event) => {
                this.showDevices = (e.target as HTMLInputElement).checked;
              }}
            />${msg('Show each device')}</label
          >
        </div>
        ${
          layers.length === 0 && t
            ? html`<p class="small muted">
              ${msg('This network has no batch-statistic layer, so there are no per-device statistics to show.')}
            </p>`
            : nothing
        }
        <div class="charts">
          ${
            layers.length > 0
              ? html`<sbl-device-stats-chart
                  .telemetry=${t}
                  layer=${this.layer}
                  channel=${this.channel}
                  stat=${this.stat}
                  band=${this.band}
                  ?show-devices=${this.showDevices}
                ></sbl-device-stats-chart>
                <sbl-noise-chart
                  .telemetry=${t}
                  layer=${this.layer}
                  stat=${this.stat}
                  band=${this.band}
                  ?show-devices=${this.showDevices}
                ></sbl-noise-chart>
                ${
                  new Set(noiseRuns.map((r) => r.perDeviceBatch)).size > 1
                    ? html`<sbl-noise-batch-chart
                        .runs=${noiseRuns}
                        layer=${this.layer}
                        stat=${this.stat}
                      ></sbl-noise-batch-chart>`
                    : nothing
                }`
              : nothing
          }
        </div>
        ${
          layers.length > 0
            ? html`<h4 id="normalizes-with-title">${msg('What each device normalizes with')}</h4>
              <p class="small muted">${normalizesWithText()}</p>
              <div
                class="charts"
                role="group"
                data-testid="normalizes-with"
                aria-labelledby="normalizes-with-title"
              >
                <sbl-used-stats-chart
                  .telemetry=${t}
                  layer=${this.layer}
                  channel=${this.channel}
                  stat=${this.stat}
                ></sbl-used-stats-chart>
                <sbl-population-chart
                  .evals=${run?.eval ?? []}
                  layer=${this.layer}
                  channel=${this.channel}
                  stat=${this.stat}
                ></sbl-population-chart>
                <!-- Both statistics, whatever the picker says: at a per-device batch of 2 the
                  running variance is what drifts from the population's, while the running mean of
                  every run lags fast-moving weights alike; one chart alone could tell the
                  opposite lesson. -->
                <sbl-mismatch-chart
                  data-testid="mismatch-var"
                  .runs=${mismatchRuns}
                  layer=${this.layer}
                  stat="var"
                ></sbl-mismatch-chart>
                <sbl-mismatch-chart
                  data-testid="mismatch-mean"
                  .runs=${mismatchRuns}
                  layer=${this.layer}
                  stat="mean"
                ></sbl-mismatch-chart>
              </div>`
            : nothing
        }
      </section>
    `;
  }
}

/**
 * What the "normalizes with" charts show, with where the population statistics come from
 * (coordinator/population.ts). Built at render time, in the language shown.
 */
function normalizesWithText(): string {
  const samples = POPULATION_SAMPLES.toLocaleString(intlLocale());
  return msg(
    str`Under local BN each device normalizes with its own batch's statistics, under SyncBN every device with the global batch's (the lines coincide), under group:g with its group's. At test time the model normalizes with its running statistics; the population statistics are those of the layer's input over a fixed subset of up to ${samples} training samples, weights frozen, at each evaluation: the gap between them is the train/test mismatch, shown for every run of the study for the variance and for the mean.`,
  );
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-device-panel': DevicePanel;
  }
}
