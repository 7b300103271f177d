import { localized, msg, str } from '@lit/localize';
import { html, LitElement, svg } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { lossAt, type Point2 } from '../../../experiments/kit/quadratic.ts';
import { formatCount, formatSignificant, SCALE_POSITIONS, scaleAt } from '../format.ts';
import { stepStyles } from '../learn.styles.ts';
import {
  contour,
  contourLevels,
  type DescentOnSurface,
  type FeatureScaling,
  featureScaling,
  START,
} from '../model/feature-scaling.ts';
import { makeTwoFeatures } from '../model/two-features.ts';
import { pathData, squareFrame, toPixel } from '../plot.ts';
import { scaleSlider } from '../scale-slider.ts';

const DATA = makeTwoFeatures(1);
const SIZE = 320;
const PAD = 24;

/**
 * Step 1, feature normalization (特征归一化): the error surface of a two-weight linear model as
 * contours with gradient descent's path on it; the scale of x₂ stretches the valley, standardizing
 * rounds it, and the step counts to the same loss are shown for both.
 */
@customElement('sbl-learn-feature-scaling')
// define() runs after @localized() (decorators apply bottom-up): an element already in the page
// (rendered before this file loaded) is upgraded by define() and must get its locale controller.
@localized()
export class LearnFeatureScaling extends LitElement {
  static override styles = stepStyles;

  @state() private position = SCALE_POSITIONS;
  @state() private standardized = false;
  private result: FeatureScaling = featureScaling(DATA, scaleAt(SCALE_POSITIONS));

  private setPosition(position: number): void {
    this.position = position;
    // Two descents of at most a few 10⁴ two-weight steps: about a millisecond.
    this.result = featureScaling(DATA, scaleAt(position));
  }

  private renderSurface(d: DescentOnSurface) {
    // The outermost contour passes through the start, w = 0.
    const excess = this.result.startLoss - lossAt(d.quadratic, d.minimum);
    const levels = contourLevels(excess);
    const frame = squareFrame([START, d.minimum], SIZE, PAD);
    const px = (p: Point2) => toPixel(frame, p);
    const origin = px([0, 0]);
    const min = px(d.minimum);
    const path = d.path.map((p) => px([p.w1, p.w2]));
    const label = this.standardized
      ? msg(
          str`Error surface of the standardized features: nearly round contours; gradient descent reaches the target in ${formatCount(d.steps)} steps.`,
        )
      : msg(
          str`Error surface with x₂ on scale ${formatSignificant(this.result.scale)}: a long narrow valley; gradient descent needs ${formatCount(d.steps)} steps.`,
        );
    return html`<svg
      class="chart"
      viewBox="0 0 ${SIZE} ${SIZE}"
      role="img"
      aria-label=${label}
      data-testid="error-surface"
    >
      <line class="axis" x1=${PAD} y1=${origin[1]} x2=${SIZE - PAD} y2=${origin[1]}></line>
      <line class="axis" x1=${origin[0]} y1=${PAD} x2=${origin[0]} y2=${SIZE - PAD}></line>
      ${levels.map((l) => svg`<path class="contour" d=${pathData(contour(d.quadratic, l).map(px), true)}></path>`)}
      <path class="path" d=${pathData(path, false)}></path>
      <circle class="start" cx=${origin[0]} cy=${origin[1]} r="4"></circle>
      <circle class="minimum" cx=${min[0]} cy=${min[1]} r="5"></circle>
      <text x=${SIZE - PAD} y=${origin[1] - 6} text-anchor="end">w₁</text>
      <text x=${origin[0] + 6} y=${PAD + 10}>w₂</text>
    </svg>`;
  }

  override render() {
    const r = this.result;
    const shown = this.standardized ? r.standardized : r.raw;
    const scale = formatSignificant(r.scale);
    return html`
      <p>
        ${msg(
          'A linear model predicts y from two features, ŷ = w₁x₁ + w₂x₂: x₁ on scale 1, x₂ on a scale you choose. The error surface shows the loss for every pair of weights as contour lines. A large x₂ makes the loss very sensitive to w₂: a long narrow valley, which gradient descent (red, from w = 0 to the green ring at the minimum) crawls along. Standardized features give nearly round contours, and a few steps suffice.',
        )}
      </p>
      <div class="controls">
        ${scaleSlider(this.position, (p) => this.setPosition(p))}
        <label class="check">
          <input
            type="checkbox"
            .checked=${this.standardized}
            data-testid="standardize"
            @change=${(e: Event) => {
              this.standardized = (e.target as HTMLInputElement).checked;
            }}
          />
          ${msg('Standardize the features')}
        </label>
      </div>
      <div class="widget">
        <figure>
          ${this.renderSurface(shown)}
          <figcaption>
            ${
              this.standardized
                ? msg('Shown: the standardized features.')
                : msg(str`Shown: the raw features, x₂ on scale ${scale}.`)
            }
          </figcaption>
        </figure>
        <div class="readout">
          <p data-testid="steps-shown" aria-live="polite">
            <strong>${msg(str`This surface: ${formatCount(shown.steps)} steps to the target loss.`)}</strong>
          </p>
          <ul class="results">
            <li data-testid="steps-raw">
              ${msg(
                str`Raw (x₂ on scale ${scale}): ${formatCount(r.raw.steps)} steps, learning rate ${formatSignificant(r.raw.lr)}`,
              )}
            </li>
            <li data-testid="steps-standardized">
              ${msg(
                str`Standardized: ${formatCount(r.standardized.steps)} steps, learning rate ${formatSignificant(r.standardized.lr)}`,
              )}
            </li>
          </ul>
          <p class="small muted">
            ${msg(
              'Each run uses its best constant learning rate, 2/(λmax + λmin) from the surface’s largest and smallest curvature (from 2/λmax on, descent diverges). Target: the start’s loss above the minimum, divided by 1,000.',
            )}
          </p>
        </div>
      </div>
      <p class="try">
        ${msg(
          'Try this: slide the scale from 1 to 100 and watch the raw step count grow, then tick “Standardize the features”.',
        )}
      </p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-learn-feature-scaling': LearnFeatureScaling;
  }
}
