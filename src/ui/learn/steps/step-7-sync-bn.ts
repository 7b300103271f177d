import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, svg } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { DEFAULT_STUDY } from '../../model/presets.ts';
import { encodeStudyHash } from '../../model/study-hash.ts';
import { formatCount, formatFixed, formatSignificant } from '../format.ts';
import { stepStyles } from '../learn.styles.ts';
import { linear } from '../plot.ts';
import {
  DEVICE_CHOICES,
  GLOBAL_BATCH,
  makeGlobalBatch,
  splitOverDevices,
} from '../model/device-split.ts';

const BATCH = makeGlobalBatch(1);
const W = 320;
const ROW = 22;
const PAD = 14;
const LABEL = 34;

/**
 * Step 7, many devices → SyncBN (多设备与同步批量归一化): one feature's values for a batch of 16 split
 * over K devices; each device's own mean (what local BN normalizes with) against the global mean
 * (what SyncBN gives every device), in numbers and on one axis; then a link into the lab's
 * default comparison (local BN vs SyncBN, 8 × 2).
 */
@customElement('sbl-learn-sync-bn')
// define() runs after @localized() (decorators apply bottom-up): an element already in the page
// (rendered before this file loaded) is upgraded by define() and must get its locale controller.
@localized()
export class LearnSyncBn extends LitElement {
  static override styles = [
    stepStyles,
    css`
      .own {
        stroke: var(--sbl-error);
        stroke-width: 2.5;
      }
      th.right {
        text-align: right;
      }
      a.lab {
        display: inline-block;
        border: 1px solid var(--sbl-accent);
        border-radius: 6px;
        padding: 0.4rem 0.9rem;
        background: var(--sbl-surface-2);
        color: var(--sbl-fg);
        font-weight: 600;
        text-decoration: none;
      }
    `,
  ];

  /** Index into DEVICE_CHOICES. */
  @state() private position = 2;

  private get devices(): number {
    return DEVICE_CHOICES[this.position]!;
  }

  private renderAxis(split: ReturnType<typeof splitOverDevices>) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of BATCH) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const x = linear(Math.floor(lo), Math.ceil(hi), LABEL + PAD, W - PAD);
    const height = split.devices.length * ROW + PAD + 6;
    const label = msg(
      str`The batch of ${formatCount(GLOBAL_BATCH)} over ${formatCount(this.devices)} devices: each device's values, its own mean (solid) and the global mean (dashed).`,
    );
    return html`<figure>
      <svg class="chart" viewBox="0 0 ${W} ${height}" role="img" aria-label=${label} data-testid="device-axis">
        <line class="reference" x1=${x(split.globalMean)} y1="2" x2=${x(split.globalMean)} y2=${height - PAD}></line>
        ${split.devices.map((d, k) => {
          const y = k * ROW + ROW / 2 + 4;
          return svg`
            <text x="2" y=${y + 4}>${formatCount(k + 1)}</text>
            ${Array.from(d.values, (v) => svg`<circle class="dot" cx=${x(v)} cy=${y} r="3.5"></circle>`)}
            <line class="own" x1=${x(d.mean)} y1=${y - 8} x2=${x(d.mean)} y2=${y + 8}></line>`;
        })}
        <text x=${LABEL + PAD} y=${height - 2}>${formatSignificant(Math.floor(lo), 2)}</text>
        <text x=${W - PAD} y=${height - 2} text-anchor="end">${formatSignificant(Math.ceil(hi), 2)}</text>
      </svg>
      <figcaption>${msg('One row per device; solid: its own mean; dashed: the global mean')}</figcaption>
    </figure>`;
  }

  private renderTable(split: ReturnType<typeof splitOverDevices>) {
    return html`<p data-testid="global-line">
        ${msg(html`Global mean, which SyncBN gives every device: <strong data-testid="global-mean">${formatFixed(split.globalMean, 3)}</strong>`)}
      </p>
      <div class="table-wrap" role="region" tabindex="0" aria-label=${msg('Means per device')}>
        <table data-testid="device-means">
          <thead>
            <tr>
              <th scope="col">${msg('Device')}</th>
              <th scope="col" class="right">${msg('Own mean (local BN)')}</th>
              <th scope="col" class="right">${msg('Own minus global')}</th>
            </tr>
          </thead>
          <tbody>
            ${split.devices.map(
              (d, k) => html`<tr>
                <th scope="row">${formatCount(k + 1)}</th>
                <td class="num" data-testid="device-mean">${formatFixed(d.mean, 3)}</td>
                <td class="num" data-testid="device-gap">${formatFixed(d.mean - split.globalMean, 3)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }

  override render() {
    const split = splitOverDevices(BATCH, this.devices);
    const k = formatCount(this.devices);
    const per = formatCount(GLOBAL_BATCH / this.devices);
    return html`
      <p>
        ${msg(
          'In data-parallel training each device holds only its slice of the batch. Local BN (DDP’s default) normalizes each slice with its own mean and variance; SyncBN gathers every device’s statistics, so all devices normalize with the mean and variance of the whole batch, exactly as one device holding it would.',
        )}
      </p>
      <div class="controls">
        <label class="control" for="devices">
          <span>${msg(str`Devices: ${k} (${per} values each)`)}</span>
          <input
            id="devices"
            type="range"
            min="0"
            max=${DEVICE_CHOICES.length - 1}
            step="1"
            .value=${String(this.position)}
            aria-valuetext=${msg(str`${k} devices`)}
            data-testid="devices"
            @input=${(e: Event) => {
              this.position = Number((e.target as HTMLInputElement).value);
            }}
          />
        </label>
      </div>
      <div class="widget">
        ${this.renderAxis(split)}
        <div class="readout">${this.renderTable(split)}</div>
      </div>
      <p>
        <a class="lab" href=${`#${encodeStudyHash(DEFAULT_STUDY)}`} data-testid="compare-in-lab"
          >${msg('Compare in the lab: local BN vs SyncBN, 8 devices × 2 →')}</a
        >
      </p>
      <p class="try">
        ${msg(
          'Try this: move to 8 devices: with 2 values each, the own means scatter far from the global mean, and local BN normalizes every pair to −1 and +1. Then compare both in the lab.',
        )}
      </p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-learn-sync-bn': LearnSyncBn;
  }
}
