import { localized, msg, str } from '@lit/localize';
import * as Comlink from 'comlink';
import { html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { errorMessage } from '../../../core/error-message.ts';
import type { RunEvent } from '../../../coordinator/events.ts';
import type { EvalRow } from '../../../coordinator/run-types.ts';
import {
  type CoordinatorHandle,
  startCoordinatorWorker,
} from '../../../platform/browser/coordinator-client.ts';
import { formatCount, formatFixed, formatSignificant } from '../format.ts';
import { LatestTraining } from '../latest-training.ts';
import { stepStyles } from '../learn.styles.ts';
import { type TrainingStatus, trainingStatus } from '../training-status.ts';
import { numberChoices } from '../number-choices.ts';
import { normalizeBatch } from '../model/batch-stats.ts';
import {
  excessWobble,
  MOMENTA,
  meanGap,
  runningVsPopulation,
  SMALL_TEST_BATCH,
  type StatPoint,
  testTimeConfig,
  valueRange,
} from '../model/test-time.ts';
import { linear } from '../plot.ts';

const W = 320;
const H = 130;
const PAD = 14;
/** Step rows reach the page at most this often (it re-renders on each event). */
const EMIT_EVERY_MS = 150;

/** How long after a run's answer its 'finished' event may still arrive. */
const LAST_EVENT_GRACE_MS = 2000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Step 4, BN at test time (测试时的批量归一化): a batch of one normalizes to 0; the running
 * statistics (移动平均) against the population statistics (总体统计量) as a small BN network
 * trains in the coordinator worker, for the momentum the reader picks; and its test accuracy
 * with running statistics against test batches of two normalized by themselves.
 */
@customElement('sbl-learn-bn-test-time')
@localized()
export class LearnBnTestTime extends LitElement {
  static override styles = stepStyles;

  @state() private example = 1.5;
  @state() private momentum: number = 0.1;
  @state() private status: TrainingStatus = 'training';
  @state() private progress = 0;
  @state() private rows: readonly EvalRow[] = [];
  @state() private accuracy: { running?: number; batch?: number } = {};
  @state() private error = '';
  /** Trains when the step comes onto the page, ends its workers when it leaves. */
  private readonly training = new LatestTraining<CoordinatorHandle>(this, () => this.train());

  /** Train the running-statistics and the batch-statistics runs side by side in one worker. */
  private train(): void {
    this.status = 'training';
    this.progress = 0;
    this.rows = [];
    this.accuracy = {};
    this.error = '';
    const { handles, isCurrent } = this.training.start(() => [startCoordinatorWorker()]);
    const handle = handles[0]!;
    const stepsDone = { running: 0, batch: 0 };
    const runOne = async (mode: 'running' | 'batch'): Promise<void> => {
      const config = testTimeConfig(this.momentum, mode);
      let failure = '';
      let sawTerminal = (): void => {};
      const terminal = new Promise<void>((resolve) => {
        sawTerminal = resolve;
      });
      const onEvent = (event: RunEvent): void => {
        if (event.type === 'finished' || event.type === 'failed') sawTerminal();
        if (!isCurrent()) return;
        if (event.type === 'steps') {
          stepsDone[mode] = event.step / event.steps;
          this.progress = (stepsDone.running + stepsDone.batch) / 2;
        } else if (event.type === 'eval' && mode === 'running') {
          this.rows = [...this.rows, event.row];
        } else if (event.type === 'finished') {
          this.accuracy = { ...this.accuracy, [mode]: event.final.testAcc };
        } else if (event.type === 'failed') {
          failure = event.message;
        }
      };
      await Promise.race([
        handle.api.run(config, { emitEveryMs: EMIT_EVERY_MS }, Comlink.proxy(onEvent)),
        handle.died,
      ]);
      // The last events travel apart from run's answer and may arrive just after it.
      await Promise.race([terminal, delay(LAST_EVENT_GRACE_MS)]);
      if (failure) throw new Error(failure);
    };
    Promise.all([runOne('running'), runOne('batch')]).then(
      () => {
        if (!isCurrent()) return;
        this.progress = 1;
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

  private setMomentum(m: number): void {
    if (m === this.momentum) return;
    this.momentum = m;
    this.train();
  }

  private renderOneExample() {
    const b = normalizeBatch(Float32Array.of(this.example), 1, 1, 0);
    const x = formatSignificant(this.example, 2);
    // The batch's own variance (σ_B holds √(σ_B² + ε), which is never 0).
    const variance = (b.x[0]! - b.mean[0]!) ** 2;
    return html`
      <div class="controls">
        <label class="control" for="example">
          <span>${msg(str`A test example's value x: ${x}`)}</span>
          <input
            id="example"
            type="range"
            min="-3"
            max="3"
            step="0.1"
            .value=${String(this.example)}
            data-testid="one-example"
            @input=${(e: Event) => {
              this.example = Number((e.target as HTMLInputElement).value);
            }}
          />
        </label>
      </div>
      <p
        class="readout"
        data-testid="one-example-result"
        data-mean=${b.mean[0]!}
        data-variance=${variance}
        data-xhat=${b.xhat[0]!}
        aria-live="polite"
      >
        ${msg(
          str`Alone in its batch: μ_B = ${formatSignificant(b.mean[0]!, 2)}, σ_B² = ${formatSignificant(variance, 2)}, so x̂ = ${formatFixed(b.xhat[0]!, 0)} whatever x is.`,
        )}
      </p>
    `;
  }

  private renderChart(points: readonly StatPoint[], statistic: 'mean' | 'variance') {
    const [lo, hi] = valueRange(points);
    const x = linear(0, testTimeConfig(this.momentum, 'running').steps, PAD, W - PAD);
    const y = linear(lo, hi, H - PAD, PAD);
    const line = (pick: (p: StatPoint) => number) =>
      points.map((p) => `${x(p.step).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ');
    const label =
      statistic === 'mean'
        ? msg(
            str`Running mean (solid) and population mean (dashed) of unit 1 of the first BN layer over training, momentum ${formatSignificant(this.momentum, 2)}.`,
          )
        : msg(
            str`Running variance (solid) and population variance (dashed) of unit 1 of the first BN layer over training, momentum ${formatSignificant(this.momentum, 2)}.`,
          );
    const caption =
      statistic === 'mean'
        ? msg('Mean of unit 1: running (solid), population (dashed)')
        : msg('Variance of unit 1: running (solid), population (dashed)');
    return html`<figure>
      <svg
        class="chart"
        viewBox="0 0 ${W} ${H}"
        role="img"
        aria-label=${label}
        data-testid=${`running-${statistic}`}
        data-points=${points.length}
        data-gap=${meanGap(points)}
        data-wobble=${excessWobble(points)}
      >
        <polyline class="reference" fill="none" points=${line((p) => p.population)}></polyline>
        <polyline class="line" points=${line((p) => p.running)}></polyline>
        <text x=${PAD} y=${PAD - 3}>${formatSignificant(hi, 2)}</text>
        <text x=${PAD} y=${H - 2}>${formatSignificant(lo, 2)}</text>
        <text x=${W - PAD} y=${H - 2} text-anchor="end">
          ${msg(str`step ${formatCount(testTimeConfig(this.momentum, 'running').steps)}`)}
        </text>
      </svg>
      <figcaption>${caption}</figcaption>
    </figure>`;
  }

  private renderStatus() {
    return trainingStatus(this.status, this.progress, this.error);
  }

  private renderAccuracy() {
    const fmt = (v: number | undefined) => (v === undefined ? '–' : `${formatFixed(100 * v, 1)} %`);
    return html`<ul class="results" data-testid="test-accuracy">
      <li data-testid="acc-running">
        ${msg(str`Test accuracy with the running statistics: ${fmt(this.accuracy.running)}`)}
      </li>
      <li data-testid="acc-batch">
        ${msg(
          str`Test accuracy when each test batch of ${formatCount(SMALL_TEST_BATCH)} is normalized by its own statistics: ${fmt(this.accuracy.batch)}`,
        )}
      </li>
    </ul>`;
  }

  override render() {
    const mean = runningVsPopulation(this.rows, 'mean').points;
    const variance = runningVsPopulation(this.rows, 'variance').points;
    return html`
      <p>
        ${msg(
          'At test time a network often sees one example at a time. Normalized by its own batch, a single example has μ_B = x and σ_B = 0, so x̂ is always 0: the input is erased.',
        )}
      </p>
      ${this.renderOneExample()}
      <p>
        ${msg(
          'So during training BN keeps moving averages of μ_B and σ_B², updated with a momentum m: running ← (1 − m)·running + m·batch. At test time it normalizes with them, standing in for the population statistics of the whole training set. Below, a small BN network trains on the spiral.',
        )}
      </p>
      ${numberChoices({
        legend: msg('Momentum m'),
        name: 'momentum',
        testId: 'momentum',
        values: MOMENTA,
        chosen: this.momentum,
        onChoose: (m) => this.setMomentum(m),
      })}
      ${this.renderStatus()}
      <div class="widget">${this.renderChart(mean, 'mean')} ${this.renderChart(variance, 'variance')}</div>
      ${this.renderAccuracy()}
      <p class="try">
        ${msg(
          'Try this: pick momentum 0.01: the running mean lags far behind the population mean. At 0.5 it follows closely but jumps with every batch. Compare the two test accuracies.',
        )}
      </p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-learn-bn-test-time': LearnBnTestTime;
  }
}
