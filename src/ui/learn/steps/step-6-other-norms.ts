import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, nothing, svg } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { currentLocale } from '../../i18n/localization.ts';
import { formatCount } from '../format.ts';
import { stepStyles } from '../learn.styles.ts';
import {
  type BlockShape,
  cellsPerStatistic,
  FIGURE_NORMS,
  type FigureNorm,
  sharedCells,
} from '../model/norm-axes.ts';
import {
  COMPARED_NORMS,
  COMPARISON_DEVICES,
  COMPARISON_PER_DEVICE,
  type ComparedNorm,
} from '../model/small-batch-norms.ts';
import { NormComparisonController } from '../norm-comparison-controller.ts';

/** The block drawn: 4 samples × 6 channels (GroupNorm: 2 groups of 3), H×W as its depth. */
const SHAPE: BlockShape = { n: 4, c: 6, groups: 2 };
const CELL = 26;
const OX = 44;
const OY = 48;
const DX = 40;
const DY = -26;
const FIG_W = OX + SHAPE.c * CELL + DX + 40;
const FIG_H = OY + SHAPE.n * CELL + 28;

function normName(norm: FigureNorm | ComparedNorm): string {
  switch (norm) {
    case 'batch':
      return msg('BatchNorm (BN)');
    case 'layer':
      return msg('LayerNorm');
    case 'instance':
      return msg('InstanceNorm');
    case 'group':
      return msg('GroupNorm');
    case 'renorm':
      return msg('Batch Renorm');
  }
}

/** The highlighted set in words (the figure's text alternative, read out when it changes). */
function describeSet(norm: FigureNorm): string {
  const n = formatCount(SHAPE.n);
  const c = formatCount(SHAPE.c);
  const g = formatCount(SHAPE.c / SHAPE.groups);
  switch (norm) {
    case 'batch':
      return msg(
        str`BatchNorm: one mean and variance per channel, over all ${n} samples and every H×W position of that channel.`,
      );
    case 'layer':
      return msg(
        str`LayerNorm: one mean and variance per sample, over its ${c} channels and every H×W position.`,
      );
    case 'instance':
      return msg(
        'InstanceNorm: one mean and variance per sample and channel, over the H×W positions of that channel only.',
      );
    case 'group':
      return msg(
        str`GroupNorm: one mean and variance per sample and group, over the ${g} channels of the group and every H×W position.`,
      );
  }
}

function percent(value: number): string {
  return new Intl.NumberFormat(currentLocale(), {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(value);
}

/**
 * Step 6, other normalizations (其他归一化): which values of an N×C×H×W block BN, LN, IN and GN
 * average over (a radio switch, the set in words too); Batch Renorm's r and d; weight and
 * spectral normalization; and a live comparison of test accuracy at 2 digits per device, trained
 * in a coordinator worker.
 */
@customElement('sbl-learn-other-norms')
// define() runs after @localized() (decorators apply bottom-up): an element already in the page
// (rendered before this file loaded) is upgraded by define() and must get its locale controller.
@localized()
export class LearnOtherNorms extends LitElement {
  static override styles = [
    stepStyles,
    css`
      fieldset {
        border: 1px solid var(--sbl-border);
        border-radius: 6px;
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        margin: 0.5rem 0;
      }
      fieldset label {
        display: flex;
        gap: 0.3rem;
        align-items: center;
      }
      .cell {
        fill: var(--sbl-surface-2);
        stroke: var(--sbl-muted);
        stroke-width: 1;
      }
      .cell.on {
        fill: var(--sbl-accent);
      }
      .side {
        opacity: 0.75;
      }
      progress {
        width: 14rem;
        max-width: 100%;
      }
      .bar-cell {
        width: 45%;
      }
      svg.bar {
        display: block;
        width: 100%;
        height: 0.9rem;
      }
    `,
  ];

  @state() private norm: FigureNorm = 'batch';
  private readonly comparison = new NormComparisonController(this);

  private renderFigure() {
    const set = sharedCells(this.norm, SHAPE, 0, 0);
    const right = OX + SHAPE.c * CELL;
    const cls = (on: boolean | undefined) => (on ? 'cell on' : 'cell');
    return html`<figure>
      <svg
        class="chart"
        viewBox="0 0 ${FIG_W} ${FIG_H}"
        role="img"
        aria-label=${describeSet(this.norm)}
        data-testid="norm-block"
      >
        ${set.map((row, n) =>
          row.map(
            (on, c) =>
              svg`<rect class=${cls(on)} data-on=${on ? 'true' : 'false'} x=${OX + c * CELL} y=${OY + n * CELL} width=${CELL} height=${CELL}></rect>`,
          ),
        )}
        ${set[0]!.map((on, c) => {
          const x = OX + c * CELL;
          return svg`<polygon class=${`${cls(on)} side`} points="${x},${OY} ${x + CELL},${OY} ${x + CELL + DX},${OY + DY} ${x + DX},${OY + DY}"></polygon>`;
        })}
        ${set.map((row, n) => {
          const y = OY + n * CELL;
          return svg`<polygon class=${`${cls(row[SHAPE.c - 1])} side`} points="${right},${y} ${right + DX},${y + DY} ${right + DX},${y + CELL + DY} ${right},${y + CELL}"></polygon>`;
        })}
        <text x=${OX + (SHAPE.c * CELL) / 2} y=${OY + SHAPE.n * CELL + 18} text-anchor="middle">C</text>
        <text x=${OX - 14} y=${OY + (SHAPE.n * CELL) / 2 + 4} text-anchor="middle">N</text>
        <text x=${right + DX + 4} y=${OY + DY + 12}>H, W</text>
      </svg>
      <figcaption>${msg('N samples × C channels, with the H×W positions as depth')}</figcaption>
    </figure>`;
  }

  private renderComparison() {
    const c = this.comparison;
    const running = c.state === 'running';
    const results = new Map(c.results.map((r) => [r.norm, r.testAcc]));
    const now = COMPARED_NORMS[c.current]!;
    return html`
      <div class="controls">
        <button type="button" data-testid="compare-norms" ?disabled=${running} @click=${() => void c.start()}>
          ${c.state === 'idle' ? msg('Train the four') : msg('Train them again')}
        </button>
        ${
          running
            ? html`<label class="control">
                <span data-testid="compare-progress-text"
                  >${msg(
                    str`Training ${normName(now)}: step ${formatCount(c.step)} of ${formatCount(c.steps)} (run ${formatCount(c.current + 1)} of ${formatCount(COMPARED_NORMS.length)})`,
                  )}</span
                >
                <progress max="1" .value=${c.fraction} data-testid="compare-progress"></progress>
              </label>`
            : nothing
        }
      </div>
      ${
        c.state === 'failed'
          ? html`<p role="alert" data-testid="compare-failed">
              ${msg(str`The comparison stopped: ${c.failure}`)}
            </p>`
          : nothing
      }
      ${
        c.results.length > 0 || running
          ? html`<div class="table-wrap" role="region" tabindex="0" aria-label=${msg('Test accuracy by normalization')}>
              <table data-testid="norm-results" data-state=${c.state}>
                <caption class="small muted">
                  ${msg(
                    str`Test accuracy after ${formatCount(c.steps)} steps, ${formatCount(COMPARISON_DEVICES)} devices × ${formatCount(COMPARISON_PER_DEVICE)} digits, local statistics`,
                  )}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">${msg('Normalization')}</th>
                    <th scope="col" class="num">${msg('Test accuracy')}</th>
                    <th scope="col" class="bar-cell"><span class="visually-hidden">${msg('Bar')}</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${COMPARED_NORMS.map((norm) => {
                    const acc = results.get(norm);
                    return html`<tr>
                      <th scope="row">${normName(norm)}</th>
                      <td class="num" data-testid=${acc === undefined ? nothing : 'norm-result'}>
                        ${acc === undefined ? '…' : percent(acc)}
                      </td>
                      <td class="bar-cell">
                        <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                          <rect class="bar" x="0" y="0" height="10" width=${(acc ?? 0) * 100}></rect>
                        </svg>
                      </td>
                    </tr>`;
                  })}
                </tbody>
              </table>
            </div>`
          : nothing
      }
    `;
  }

  override render() {
    return html`
      <p>
        ${msg(
          'BN averages over the batch, so a tiny batch gives it noisy statistics. Other normalizations average over other axes of the N×C×H×W activations and do not use the batch at all:',
        )}
      </p>
      <fieldset>
        <legend>${msg('Averaged over, for the first sample and channel')}</legend>
        ${FIGURE_NORMS.map(
          (n) => html`<label>
            <input
              type="radio"
              name="norm"
              value=${n}
              .checked=${this.norm === n}
              data-testid=${`norm-${n}`}
              @change=${() => {
                this.norm = n;
              }}
            />
            ${normName(n)}
          </label>`,
        )}
      </fieldset>
      <div class="widget">
        ${this.renderFigure()}
        <p class="readout" aria-live="polite" data-testid="norm-set" data-cells=${cellsPerStatistic(this.norm, SHAPE)}>
          ${describeSet(this.norm)}
        </p>
      </div>
      <p>
        ${msg(
          'Batch Renorm keeps BN but corrects it toward the moving averages μ, σ: x̂ = r·(x − μ_B)/σ_B + d, with r = clip(σ_B/σ, 1/rmax, rmax) and d = clip((μ_B − μ)/σ, −dmax, dmax), both held constant in backpropagation.',
        )}
      </p>
      <p>
        ${msg(
          'Weight normalization writes each weight vector as w = g·v/‖v‖. Spectral normalization divides a weight matrix by its largest singular value. Both act on the weights, not on the activations.',
        )}
      </p>
      ${this.renderComparison()}
      <p class="try">
        ${msg(
          'Try this: press “Train the four”: with 2 digits per device, which norm suffers most, and why does GroupNorm not care?',
        )}
      </p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-learn-other-norms': LearnOtherNorms;
  }
}
