import { localized, msg, str } from '@lit/localize';
import { html, LitElement, svg } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { formatFixed, formatSignificant, SCALE_POSITIONS, scaleAt } from '../format.ts';
import { stepStyles } from '../learn.styles.ts';
import { makeTwoFeatures, scaledFeatures } from '../model/two-features.ts';
import {
  type FeatureStats,
  featureStats,
  type Histogram,
  histogram,
  valueRange,
  zScore,
} from '../model/z-score.ts';
import { linear } from '../plot.ts';
import { scaleSlider } from '../scale-slider.ts';

const DATA = makeTwoFeatures(1);
const BINS = 16;
const W = 200;
const H = 90;
const PAD = 14;

interface Column {
  readonly stats: FeatureStats;
  readonly histograms: readonly Histogram[];
}

/** Both features' statistics, and their histograms on one shared axis (so scales compare). */
function column(x: Float64Array): Column {
  const range = valueRange(x, DATA.count, 2, [0, 1]);
  return {
    stats: featureStats(x, DATA.count, 2),
    histograms: [0, 1].map((j) => histogram(x, DATA.count, 2, j, BINS, range)),
  };
}

/**
 * Step 2, Z-score normalization (Z 值归一化): step 1's data before and after z-scoring, each
 * feature's mean and variance as numbers and its histogram; the scale slider changes x₂'s units.
 */
@customElement('sbl-learn-z-score')
// define() runs after @localized() (decorators apply bottom-up): an element already in the page
// (rendered before this file loaded) is upgraded by define() and must get its locale controller.
@localized()
export class LearnZScore extends LitElement {
  static override styles = stepStyles;

  @state() private position = SCALE_POSITIONS;
  private rawColumn = column(scaledFeatures(DATA, scaleAt(SCALE_POSITIONS)));
  private zColumn = column(zScore(scaledFeatures(DATA, scaleAt(SCALE_POSITIONS)), DATA.count, 2));

  private setPosition(position: number): void {
    this.position = position;
    const x = scaledFeatures(DATA, scaleAt(position));
    this.rawColumn = column(x);
    this.zColumn = column(zScore(x, DATA.count, 2));
  }

  private renderHistogram(h: Histogram, label: string, after: boolean, testId: string) {
    const most = Math.max(1, ...h.counts);
    const bw = (W - 2 * PAD) / BINS;
    const y = linear(0, most, H - PAD, 4);
    return html`<figure>
      <svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label=${label} data-testid=${testId}>
        ${[...h.counts].map(
          (c, i) =>
            svg`<rect class=${after ? 'bar after' : 'bar'} x=${PAD + i * bw + 0.5} y=${y(c)} width=${bw - 1} height=${H - PAD - y(c)}></rect>`,
        )}
        <line class="axis" x1=${PAD} y1=${H - PAD} x2=${W - PAD} y2=${H - PAD}></line>
        <text x=${PAD} y=${H - 2}>${formatSignificant(h.min, 2)}</text>
        <text x=${W - PAD} y=${H - 2} text-anchor="end">${formatSignificant(h.max, 2)}</text>
      </svg>
      <figcaption>${label}</figcaption>
    </figure>`;
  }

  private renderStats() {
    const row = (name: string, j: number) => html`<tr>
      <th scope="row">${name}</th>
      <td class="num" data-testid=${`mean-before-${j}`}>${formatSignificant(this.rawColumn.stats.mean[j]!, 3, true)}</td>
      <td class="num" data-testid=${`var-before-${j}`}>${formatSignificant(this.rawColumn.stats.variance[j]!, 4, true)}</td>
      <td class="num" data-testid=${`mean-after-${j}`}>${formatFixed(this.zColumn.stats.mean[j]!, 6)}</td>
      <td class="num" data-testid=${`var-after-${j}`}>${formatFixed(this.zColumn.stats.variance[j]!, 6)}</td>
    </tr>`;
    return html`<div class="table-wrap" role="region" tabindex="0" aria-label=${msg('Statistics per feature')}>
      <table>
        <thead>
          <tr>
            <th scope="col">${msg('Feature')}</th>
            <th scope="col" class="num">${msg('Mean before')}</th>
            <th scope="col" class="num">${msg('Variance before')}</th>
            <th scope="col" class="num">${msg('Mean after')}</th>
            <th scope="col" class="num">${msg('Variance after')}</th>
          </tr>
        </thead>
        <tbody>
          ${row('x₁', 0)} ${row('x₂', 1)}
        </tbody>
      </table>
    </div>`;
  }

  override render() {
    const names = ['x₁', 'x₂'];
    return html`
      <p>
        ${msg(
          'Z-score normalization (standardization) rescales each feature over the data set: subtract its mean μ, divide by its standard deviation σ, x̃ = (x − μ)/σ. Afterwards every feature has mean 0 and variance 1 whatever its units, so none dominates the gradient just because of its scale. Step 1’s “standardize” did exactly this. Below, the same 200 examples before and after.',
        )}
      </p>
      <div class="controls">
        ${scaleSlider(this.position, (p) => this.setPosition(p))}
      </div>
      ${this.renderStats()}
      <div class="hists">
        ${names.map((name, j) =>
          this.renderHistogram(
            this.rawColumn.histograms[j]!,
            msg(str`${name} before`),
            false,
            `hist-before-${j}`,
          ),
        )}
        ${names.map((name, j) =>
          this.renderHistogram(
            this.zColumn.histograms[j]!,
            msg(str`${name} after z-scoring`),
            true,
            `hist-after-${j}`,
          ),
        )}
      </div>
      <p class="try">
        ${msg(
          'Try this: drag the scale of x₂ from 1 to 100. Before, on one shared axis, x₁ shrinks to a spike beside x₂, whose variance grows about 10,000-fold; after z-scoring, the two look alike, with mean 0 and variance 1.',
        )}
      </p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-learn-z-score': LearnZScore;
  }
}
