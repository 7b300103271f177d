import { localized, msg, str } from '@lit/localize';
import { html, LitElement, svg } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Rng } from '../../../core/rng.ts';
import { formatCount, formatSignificant } from '../format.ts';
import { stepStyles } from '../learn.styles.ts';
import {
  drawBatch,
  makePopulation,
  type NormalizedBatch,
  normalizeBatch,
} from '../model/batch-stats.ts';
import { linear } from '../plot.ts';

const POP = makePopulation(1);
/** The batch-size slider's positions: 2^position, 2…128. */
const MIN_POWER = 1;
const MAX_POWER = 7;
/** Batches kept in the wobble strip. */
const HISTORY = 30;
/** The feature the dot strips and the wobble strip follow. */
const FEATURE = 0;
const W = 320;
const ROW = 34;
const PAD = 14;

function meanOf(x: Float32Array, features: number, feature: number): number {
  const n = x.length / features;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i * features + feature]!;
  return s / n;
}

/**
 * Step 3, BN over a batch (批量归一化): a core Dense layer's outputs for one mini-batch, their
 * per-feature μ_B and σ_B, the normalized values and γ, β; the batch size and "New batch" show
 * how μ_B wobbles around the population mean, more as the batch shrinks.
 */
@customElement('sbl-learn-batch-norm')
// define() runs after @localized() (decorators apply bottom-up): an element already in the page
// (rendered before this file loaded) is upgraded by define() and must get its locale controller.
@localized()
export class LearnBatchNorm extends LitElement {
  static override styles = stepStyles;

  @state() private power = 3;
  @state() private gamma = 1;
  @state() private beta = 0;
  @state() private batchX: Float32Array;
  /** μ_B of FEATURE for the last HISTORY batches, oldest first. */
  @state() private history: readonly number[] = [];
  private readonly rng = Rng.stream(1, 'learn/batches');

  constructor() {
    super();
    this.batchX = new Float32Array(0);
    this.refill();
  }

  private get size(): number {
    return 2 ** this.power;
  }

  /** A new batch size: the strip starts over with HISTORY batches of that size. */
  private refill(): void {
    const means: number[] = [];
    let last: Float32Array = new Float32Array(0);
    for (let k = 0; k < HISTORY; k++) {
      last = drawBatch(POP, this.size, this.rng);
      means.push(meanOf(last, POP.features, FEATURE));
    }
    this.batchX = last;
    this.history = means;
  }

  private newBatch(): void {
    this.batchX = drawBatch(POP, this.size, this.rng);
    this.history = [...this.history, meanOf(this.batchX, POP.features, FEATURE)].slice(-HISTORY);
  }

  private renderTable(b: NormalizedBatch) {
    return html`<div class="table-wrap" role="region" tabindex="0" aria-label=${msg('Statistics per feature')}>
      <table>
        <thead>
          <tr>
            <th scope="col">${msg('Feature')}</th>
            <th scope="col" class="num">μ_B</th>
            <th scope="col" class="num">σ_B</th>
            <th scope="col" class="num">${msg('Population μ')}</th>
            <th scope="col" class="num">${msg('Population σ')}</th>
          </tr>
        </thead>
        <tbody>
          ${[...b.mean].map(
            (m, c) => html`<tr>
              <th scope="row">${c + 1}</th>
              <td class="num" data-testid=${`mu-b-${c}`}>${formatSignificant(m, 3, true)}</td>
              <td class="num" data-testid=${`sigma-b-${c}`}>${formatSignificant(b.std[c]!, 3, true)}</td>
              <td class="num">${formatSignificant(POP.mean[c]!, 3, true)}</td>
              <td class="num">${formatSignificant(POP.std[c]!, 3, true)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  /** The batch's values of FEATURE as dots: the layer's output, x̂, and y = γx̂ + β on one axis. */
  private renderDots(b: NormalizedBatch) {
    const f = POP.features;
    const lo = Math.min(-6, POP.mean[FEATURE]! - 3 * POP.std[FEATURE]!);
    const hi = Math.max(6, POP.mean[FEATURE]! + 3 * POP.std[FEATURE]!);
    const x = linear(lo, hi, PAD, W - PAD);
    const rows: [string, Float32Array, string][] = [
      [msg('layer output x'), b.x, 'dot'],
      [msg('normalized x̂'), b.xhat, 'dot hat'],
      [msg('y = γx̂ + β'), b.y, 'dot out'],
    ];
    const height = rows.length * ROW + PAD;
    const label = msg(
      str`Feature 1 of a batch of ${formatCount(b.size)}: the layer's outputs, their normalized values and γx̂ + β, as dots on one axis.`,
    );
    return html`<figure>
      <svg class="chart" viewBox="0 0 ${W} ${height}" role="img" aria-label=${label} data-testid="bn-dots">
        <line class="axis" x1=${x(0)} y1="0" x2=${x(0)} y2=${height - PAD}></line>
        ${rows.map(
          ([name, values, cls], r) => svg`
            <text x=${PAD} y=${r * ROW + 11}>${name}</text>
            ${Array.from({ length: b.size }, (_, i) => svg`<circle class=${cls} cx=${x(values[i * f + FEATURE]!)} cy=${r * ROW + 22} r="3.5"></circle>`)}`,
        )}
        <text x=${x(0)} y=${height - 2} text-anchor="middle">0</text>
        <text x=${PAD} y=${height - 2}>${formatSignificant(lo, 2)}</text>
        <text x=${W - PAD} y=${height - 2} text-anchor="end">${formatSignificant(hi, 2)}</text>
      </svg>
      <figcaption>${msg('Feature 1 of this batch')}</figcaption>
    </figure>`;
  }

  /** μ_B of the last batches against the population mean (dashed). */
  private renderWobble() {
    const mu = POP.mean[FEATURE]!;
    const sd = POP.std[FEATURE]!;
    const height = 120;
    const y = linear(mu - 1.6 * sd, mu + 1.6 * sd, height - 8, 8);
    const x = (k: number) => PAD + (k / (HISTORY - 1)) * (W - 2 * PAD);
    const points = this.history.map((m, k) => `${x(k).toFixed(1)},${y(m).toFixed(1)}`).join(' ');
    const label = msg(
      str`μ_B of feature 1 for the last ${formatCount(this.history.length)} batches of ${formatCount(this.size)}, around the population mean ${formatSignificant(mu, 3)}.`,
    );
    return html`<figure>
      <svg class="chart" viewBox="0 0 ${W} ${height}" role="img" aria-label=${label} data-testid="bn-wobble">
        <line class="reference" x1=${PAD} y1=${y(mu)} x2=${W - PAD} y2=${y(mu)}></line>
        <polyline class="line" points=${points}></polyline>
        ${this.history.map((m, k) => svg`<circle class="dot" cx=${x(k)} cy=${y(m)} r="2.5"></circle>`)}
      </svg>
      <figcaption>${msg('μ_B of feature 1, last 30 batches; dashed: the population mean')}</figcaption>
    </figure>`;
  }

  override render() {
    const b = normalizeBatch(this.batchX, POP.features, this.gamma, this.beta);
    const size = formatCount(this.size);
    return html`
      <p>
        ${msg(
          'Batch normalization applies the same idea inside the network, to a layer’s outputs, with only the current mini-batch. For each feature it takes the batch mean μ_B and standard deviation σ_B, normalizes x̂ = (x − μ_B)/√(σ_B² + ε), then scales and shifts with the learned γ and β: y = γx̂ + β. μ_B and σ_B come from a small sample, so they change from batch to batch; the smaller the batch, the more.',
        )}
      </p>
      <div class="controls">
        <label class="control" for="batch">
          <span>${msg(str`Batch size: ${size}`)}</span>
          <input
            id="batch"
            type="range"
            min=${MIN_POWER}
            max=${MAX_POWER}
            step="1"
            .value=${String(this.power)}
            aria-valuetext=${size}
            data-testid="batch-size"
            @input=${(e: Event) => {
              this.power = Number((e.target as HTMLInputElement).value);
              this.refill();
            }}
          />
        </label>
        <label class="control" for="gamma">
          <span>${msg(str`γ (scale): ${formatSignificant(this.gamma, 2)}`)}</span>
          <input
            id="gamma"
            type="range"
            min="0"
            max="3"
            step="0.1"
            .value=${String(this.gamma)}
            data-testid="gamma"
            @input=${(e: Event) => {
              this.gamma = Number((e.target as HTMLInputElement).value);
            }}
          />
        </label>
        <label class="control" for="beta">
          <span>${msg(str`β (shift): ${formatSignificant(this.beta, 2)}`)}</span>
          <input
            id="beta"
            type="range"
            min="-2"
            max="2"
            step="0.1"
            .value=${String(this.beta)}
            data-testid="beta"
            @input=${(e: Event) => {
              this.beta = Number((e.target as HTMLInputElement).value);
            }}
          />
        </label>
        <button type="button" data-testid="new-batch" @click=${() => this.newBatch()}>
          ${msg('New batch')}
        </button>
      </div>
      ${this.renderTable(b)}
      <div class="widget">${this.renderDots(b)} ${this.renderWobble()}</div>
      <p class="try">
        ${msg(
          'Try this: set the batch size to 2 and press “New batch” a few times: μ_B jumps far from the population mean. At 128 it barely moves (its spread shrinks like 1/√b).',
        )}
      </p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-learn-batch-norm': LearnBatchNorm;
  }
}
