import { localized, msg, str } from '@lit/localize';
import * as Comlink from 'comlink';
import { html, LitElement, svg } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { errorMessage } from '../../../core/error-message.ts';
import type {
  CovariateNorm,
  CovariateProbe,
  CovariateProbeOptions,
} from '../../../experiments/covariate-shift.ts';
import {
  type ExperimentWorkerHandle,
  startExperimentWorker,
} from '../../../platform/browser/experiment-client.ts';
import { formatCount, formatSignificant } from '../format.ts';
import { LatestTraining } from '../latest-training.ts';
import { stepStyles } from '../learn.styles.ts';
import { type TrainingStatus, trainingStatus } from '../training-status.ts';
import { numberChoices } from '../number-choices.ts';
import {
  lastStep,
  PERCENTILES,
  percentileDrift,
  percentilePoints,
  sharedRange,
} from '../model/percentile-lines.ts';
import { linear } from '../plot.ts';

const W = 320;
const H = 150;
const PAD = 14;
const NORMS: readonly CovariateNorm[] = ['none', 'batch'];
/** The learning rates the reader can pick (the paper's run: 0.5). */
const RATES = [0.1, 0.5, 2] as const;

/** The experiment's network at a size the page trains in a few seconds (14×14 digits). */
function probeOptions(norm: CovariateNorm, lr: number): CovariateProbeOptions {
  return { norm, seed: 1, steps: 300, probeEvery: 10, lr, train: 2000, test: 300 };
}

/**
 * Step 5, internal covariate shift (内部协变量偏移): a live, small Ioffe & Szegedy Fig. 1 (the
 * 15/50/85th percentiles of one last-layer sigmoid input over training, without and with BN),
 * each trained by the covariate-shift experiment's own probe in an experiment worker, and what
 * Santurkar et al. (2018) found instead.
 */
@customElement('sbl-learn-covariate-shift')
@localized()
export class LearnCovariateShift extends LitElement {
  static override styles = stepStyles;

  @state() private lr: number = 0.5;
  @state() private status: TrainingStatus = 'training';
  @state() private progress: Record<CovariateNorm, number> = { none: 0, batch: 0 };
  @state() private curves: Partial<Record<CovariateNorm, CovariateProbe[]>> = {};
  @state() private error = '';
  /** Trains when the step comes onto the page, ends its workers when it leaves. */
  private readonly training = new LatestTraining<ExperimentWorkerHandle>(this, () => this.train());

  /** One experiment worker per norm, so the two trainings run on two cores. */
  private train(): void {
    this.status = 'training';
    this.progress = { none: 0, batch: 0 };
    this.curves = {};
    this.error = '';
    const { handles, isCurrent } = this.training.start(() =>
      NORMS.map(() => startExperimentWorker()),
    );
    const lr = this.lr;
    const runs = NORMS.map(async (norm, i) => {
      const handle = handles[i]!;
      const onProgress = (fraction: number): void => {
        if (isCurrent()) this.progress = { ...this.progress, [norm]: fraction };
      };
      const row = await Promise.race([
        handle.api.probeCovariateShift(probeOptions(norm, lr), Comlink.proxy(onProgress)),
        handle.died,
      ]);
      if (isCurrent()) this.curves = { ...this.curves, [norm]: row.curve };
    });
    Promise.all(runs).then(
      () => {
        if (!isCurrent()) return;
        this.status = 'done';
        this.training.finish(isCurrent);
      },
      (error: unknown) => {
        if (!isCurrent()) return;
        this.error = errorMessage(error);
        this.status = 'failed';
        this.training.finish(isCurrent);
      },
    );
  }

  private setRate(lr: number): void {
    if (lr === this.lr) return;
    this.lr = lr;
    this.train();
  }

  private renderPanel(norm: CovariateNorm, range: [number, number], steps: number) {
    const curve = this.curves[norm] ?? [];
    const x = linear(0, steps, PAD, W - PAD);
    const y = linear(range[0], range[1], H - PAD, PAD);
    const drift = percentileDrift(curve);
    const d = formatSignificant(drift, 2);
    const caption =
      norm === 'batch'
        ? msg(str`With BN: the percentiles move by ${d}`)
        : msg(str`Without BN: the percentiles move by ${d}`);
    const label =
      norm === 'batch'
        ? msg(
            str`With BN: the 15th, 50th and 85th percentiles of a last-layer sigmoid input over ${formatCount(steps)} training steps; they move by ${d} on average.`,
          )
        : msg(
            str`Without BN: the 15th, 50th and 85th percentiles of a last-layer sigmoid input over ${formatCount(steps)} training steps; they move by ${d} on average.`,
          );
    return html`<figure>
      <svg
        class="chart"
        viewBox="0 0 ${W} ${H}"
        role="img"
        aria-label=${label}
        data-testid=${`percentiles-${norm}`}
        data-points=${curve.length}
        data-drift=${drift}
        data-values=${curve.map((p) => `${p.p15},${p.p50},${p.p85}`).join(';')}
      >
        <line class="axis" x1=${PAD} y1=${y(0)} x2=${W - PAD} y2=${y(0)}></line>
        ${PERCENTILES.map(
          (k) =>
            svg`<polyline class=${k === 'p50' ? 'line' : 'line faint'} points=${percentilePoints(curve, k, x, y)}></polyline>`,
        )}
        <text x=${PAD} y=${PAD}>${formatSignificant(range[1], 2)}</text>
        <text x=${PAD} y=${H - 2}>${formatSignificant(range[0], 2)}</text>
        <text x=${W - PAD} y=${H - 2} text-anchor="end">
          ${msg(str`step ${formatCount(steps)}`)}
        </text>
      </svg>
      <figcaption>${caption}</figcaption>
    </figure>`;
  }

  private renderStatus() {
    return trainingStatus(this.status, (this.progress.none + this.progress.batch) / 2, this.error);
  }

  override render() {
    const curves = NORMS.map((n) => this.curves[n] ?? []);
    const range = sharedRange(curves);
    const steps = Math.max(lastStep(curves), probeOptions('none', this.lr).steps);
    return html`
      <p>
        ${msg(
          'Ioffe and Szegedy argued that each layer’s inputs keep changing as the layers below it learn, an internal covariate shift, and that BN helps by fixing their distribution. Their Fig. 1 followed the 15th, 50th and 85th percentiles of one sigmoid’s input in an MNIST network. Here the same network trains for 300 steps on 14 × 14 digits, without and with BN.',
        )}
      </p>
      ${numberChoices({
        legend: msg('Learning rate'),
        name: 'lr',
        testId: 'learning-rate',
        values: RATES,
        chosen: this.lr,
        onChoose: (r) => this.setRate(r),
      })}
      ${this.renderStatus()}
      <div class="widget">
        ${NORMS.map((n) => this.renderPanel(n, range, steps))}
      </div>
      <p>
        ${msg(
          'Santurkar et al. (2018) questioned this story: adding noise after BN brings the shift back, yet the network still trains well. What BN does, they found, is make the loss surface smoother, so its gradients are more predictable and larger steps are safe.',
        )}
      </p>
      <p class="try">
        ${msg(
          'Try this: set the learning rate to 2. Without BN the percentiles wander further; with BN they settle after the first steps and stay put.',
        )}
      </p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-learn-covariate-shift': LearnCovariateShift;
  }
}
