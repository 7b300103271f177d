import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { configSchema } from '../../config/schema.ts';
import { warmUpCharts } from '../charts/warm-up.ts';
import type { ComparedRun } from '../library/sbl-compare-view.ts';
import { StoreController } from '../library/store-controller.ts';
import { telemetryUpTo } from '../model/append-telemetry.ts';
import { resolvedToInput } from '../model/config-form.ts';
import type { Experiment } from '../model/experiment.ts';
import { decodeExperimentHash, encodeExperimentHash } from '../model/experiment-hash.ts';
import { DEFAULT_EXPERIMENT } from '../model/presets.ts';
import { startCoordinatorWorker } from '../../platform/browser/coordinator-client.ts';
import { isSettled } from '../session/live-run.ts';
import { type PlannedRun, SessionController } from '../session/session-controller.ts';
import type { ExperimentChangeDetail, RunExperimentDetail } from '../setup/sbl-setup-form.ts';
import { sharedStyles } from '../styles.ts';
import '../experiments/sbl-experiments.ts';
import '../library/sbl-compare-view.ts';
import '../library/sbl-runs-library.ts';
import '../live/sbl-live-view.ts';
import '../setup/sbl-setup-form.ts';
import './sbl-intro.ts';

const TRANSPORT_MEANING: Record<string, string> = {
  'shared-memory':
    'workers exchange statistics through shared memory (SharedArrayBuffer + Atomics)',
  'message-port':
    'workers exchange statistics by posting messages (the fallback without cross-origin isolation)',
  local: 'all devices in one thread',
};

/**
 * The page: intro, experiment setup, live training view, comparison and the run library. It owns
 * the two controllers (training session, run library) and connects the views' events to them.
 */
@customElement('sbl-app')
export class App extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        max-width: 96rem;
        margin: 0 auto;
        padding: 1rem 1.25rem 3rem;
      }
      header h1 {
        font-size: 1.6rem;
        margin: 0 0 0.3rem;
      }
      .env {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem 1.5rem;
        margin: 0.6rem 0 0.2rem;
      }
      .banner {
        border: 1px solid var(--sbl-error);
        background: var(--sbl-warn-bg);
        border-radius: 8px;
        padding: 0.6rem 0.8rem;
        margin: 0.8rem 0;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(22rem, 34rem) minmax(0, 1fr);
        gap: 1rem;
        align-items: start;
        margin-top: 1rem;
      }
      @media (max-width: 62rem) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      .layout > .card {
        min-width: 0;
      }
      /* Side by side, the form scrolls by itself, so Run and the training view both stay in sight. */
      @media (min-width: 62.01rem) {
        .layout > .setup {
          position: sticky;
          top: 0.5rem;
          max-height: calc(100vh - 1rem);
          overflow-y: auto;
          padding-bottom: 0;
        }
      }
      section.card,
      sbl-compare-view {
        margin-top: 1rem;
      }
      /* Below the fold while a run trains: the browser skips their style, layout and paint
         (each frame of the live view otherwise walks them too) until they scroll into view. */
      section.card {
        content-visibility: auto;
        contain-intrinsic-size: auto 40rem;
      }
    `,
  ];

  private readonly library = new StoreController(this);
  private readonly session = new SessionController(this, {
    spawn: startCoordinatorWorker,
    store: () => this.library.writable,
    onLibraryChanged: () => void this.library.refresh(),
    onLibraryProgress: () => this.library.refreshSoon(),
  });

  @state() private experiment: Experiment = DEFAULT_EXPERIMENT;
  @state() private hashMessage: string | null = null;
  @state() private compared: readonly ComparedRun[] = [];
  @state() private resumeProblem: string | null = null;
  private liveIds: ReadonlySet<string> = new Set();
  /** The transport of the most recent run that reported one. */
  private lastTransport: string | null = null;
  private readonly isolated = globalThis.crossOriginIsolated === true;

  constructor() {
    super();
    this.readHash();
    this.library.onWriteError((error) => this.session.storeWriteFailed(error));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHashChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
  }

  protected override firstUpdated(): void {
    // Once the page has drawn and settled: load the data, the workers and the chart code before
    // the first Run.
    const idle = (fn: () => void) =>
      typeof requestIdleCallback === 'function'
        ? requestIdleCallback(fn, { timeout: 2000 })
        : setTimeout(fn, 500);
    idle(() => {
      const planned = configSchema.safeParse(this.experiment.config);
      this.session.prewarm(planned.success ? planned.data.devices : 1);
      warmUpCharts();
    });
  }

  private readonly onHashChange = (): void => this.readHash();

  private readHash(): void {
    const reading = decodeExperimentHash(location.hash);
    if (reading.kind === 'ok') {
      this.experiment = reading.experiment;
      this.hashMessage = null;
    } else if (reading.kind === 'error') {
      this.experiment = DEFAULT_EXPERIMENT;
      this.hashMessage = reading.message;
    }
  }

  private onExperimentChange(e: CustomEvent<ExperimentChangeDetail>): void {
    // The link always holds what the form shows, valid or not (a link to a config with a problem
    // opens with the problem explained, never with another config in its place).
    this.writeHash(e.detail.experiment);
    this.hashMessage = null;
  }

  /** The URL reproduces the experiment (replaceState: editing does not flood the history). */
  private writeHash(experiment: Experiment): void {
    const hash = `#${encodeExperimentHash(experiment)}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  private onRun(e: CustomEvent<RunExperimentDetail>): void {
    this.writeHash(e.detail.experiment);
    const plans: PlannedRun[] = e.detail.runs.map((r) => ({
      label: r.label,
      name: r.name,
      config: r.config,
    }));
    void this.session.start(plans);
    void this.library.requestPersistenceOnce();
    this.resumeProblem = null;
    void this.showLiveView();
  }

  /** Bring the training view into sight if it is not (one column, or scrolled away). */
  private async showLiveView(): Promise<void> {
    await this.updateComplete;
    const live = this.renderRoot.querySelector('sbl-live-view');
    const top = live?.getBoundingClientRect().top ?? 0;
    if (live && (top < 0 || top > window.innerHeight * 0.6))
      live.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  private async loadCompared(ids: readonly string[]): Promise<void> {
    const loaded: ComparedRun[] = [];
    for (const id of ids) {
      const run = await this.library.getRun(id);
      const metrics = await this.library.loadMetrics(id);
      if (run && metrics)
        loaded.push({
          id,
          label: run.name,
          config: run.config,
          train: metrics.train,
          eval: metrics.eval,
        });
    }
    this.compared = loaded;
    await this.updateComplete;
    this.renderRoot
      .querySelector('sbl-compare-view')
      ?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  private async onLibraryAction(e: CustomEvent<{ action: string; id: string }>): Promise<void> {
    const { action, id } = e.detail;
    if (action === 'show') await this.loadCompared([id]);
    else if (action === 'export') await this.library.exportRun(id);
    else if (action === 'resume') await this.resumeRun(id);
    else if (action === 'use-settings') {
      const run = await this.library.getRun(id);
      if (!run) return;
      this.experiment = { config: resolvedToInput(run.config), compare: null };
      await this.updateComplete;
      this.renderRoot
        .querySelector('sbl-setup-form')
        ?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }
  }

  /** Continue an interrupted run from its latest checkpoint, with its saved curves in place. */
  private async resumeRun(id: string): Promise<void> {
    this.resumeProblem = null;
    if (this.session.view.busy) return;
    const run = await this.library.getRun(id);
    if (!run) return;
    const ck = await this.library.latestCheckpoint(id);
    if (!ck) {
      this.resumeProblem = `“${run.name}” stopped before its first checkpoint (one is saved every 25 steps), so it cannot continue. Use “Edit settings” to start it again.`;
      return;
    }
    const metrics = await this.library.loadMetrics(id);
    const history = {
      train: (metrics?.train ?? []).filter((r) => r.step <= ck.step),
      eval: (metrics?.eval ?? []).filter((r) => r.step <= ck.step),
      telemetry: metrics?.telemetry ? telemetryUpTo(metrics.telemetry, ck.step) : null,
      fromStep: ck.step,
    };
    const checkpoint = {
      step: ck.step,
      params: ck.params,
      buffers: ck.buffers,
      optimizer: ck.optimizer,
    };
    void this.session.start([
      {
        label: run.name,
        name: run.name,
        config: run.config,
        resume: { storeId: id, checkpoint, history },
      },
    ]);
    await this.showLiveView();
  }

  protected override willUpdate(): void {
    const runs = this.session.view.runs;
    for (let i = runs.length - 1; i >= 0; i--) {
      const t = runs[i]!.transport;
      if (t) {
        this.lastTransport = t;
        break;
      }
    }
  }

  private transport(): { name: string; known: boolean } {
    if (this.lastTransport) return { name: this.lastTransport, known: true };
    const asked =
      typeof this.experiment.config.transport === 'string'
        ? this.experiment.config.transport
        : 'auto';
    const name = asked === 'auto' ? (this.isolated ? 'shared-memory' : 'message-port') : asked;
    return { name, known: false };
  }

  /**
   * The library's set of runs training now, a new object only when its members change: a new Set
   * at every render (5 a second while training) re-rendered the whole library table each time.
   */
  private sameLiveIds(ids: readonly string[]): ReadonlySet<string> {
    const last = this.liveIds;
    if (last.size === ids.length && ids.every((id) => last.has(id))) return last;
    this.liveIds = new Set(ids);
    return this.liveIds;
  }

  override render() {
    const view = this.session.view;
    const lib = this.library;
    const transport = this.transport();
    const liveIds = this.sameLiveIds(
      view.runs.flatMap((r) => (r.storeId && !isSettled(r.status) ? [r.storeId] : [])),
    );
    return html`
      <header>
        <h1>syncbn-lab: Batch Normalization across devices</h1>
        <sbl-intro></sbl-intro>
        <div class="env small">
          <span
            >Transport: <strong data-testid="transport">${transport.name}</strong>
            <span class="muted"
              >— ${TRANSPORT_MEANING[transport.name] ?? ''}${transport.known ? '' : ' (expected; confirmed when a run starts)'}</span
            ></span
          >
          <span
            >Page: <strong data-testid="isolation" data-isolated=${this.isolated ? 'true' : 'false'}
              >${this.isolated ? 'cross-origin isolated' : 'not isolated'}</strong
            ></span
          >
        </div>
      </header>
      ${lib.banner ? html`<div class="banner" role="alert" data-testid="library-banner">${lib.banner}</div>` : nothing}
      ${this.hashMessage ? html`<div class="banner" role="alert" data-testid="hash-error">${this.hashMessage}</div>` : nothing}
      <div class="layout">
        <div class="card setup">
          <sbl-setup-form
            .experiment=${this.experiment}
            ?busy=${view.busy}
            @experiment-change=${this.onExperimentChange}
            @run-experiment=${this.onRun}
          ></sbl-setup-form>
        </div>
        <div class="card">
          <sbl-live-view
            .view=${view}
            @session-pause=${() => this.session.pause()}
            @session-resume=${() => this.session.resume()}
            @session-stop=${() => this.session.stop()}
          ></sbl-live-view>
        </div>
      </div>
      ${
        this.compared.length > 0
          ? html`<sbl-compare-view
            .runs=${this.compared}
            @close-compare=${() => {
              this.compared = [];
            }}
          ></sbl-compare-view>`
          : nothing
      }
      <section class="card">
        <sbl-experiments .store=${lib.writable}></sbl-experiments>
      </section>
      <section class="card">
        <sbl-runs-library
          .runs=${lib.runs}
          state=${lib.state}
          .estimate=${lib.estimate}
          .persisted=${lib.persisted}
          .importNote=${lib.importNote}
          .actionError=${lib.actionError}
          .liveIds=${liveIds}
          .resumeProblem=${this.resumeProblem}
          ?busy=${view.busy}
          @library-action=${this.onLibraryAction}
          @library-rename=${(e: CustomEvent<{ id: string; name: string }>) => void lib.rename(e.detail.id, e.detail.name)}
          @library-delete=${(e: CustomEvent<{ id: string }>) => {
            this.compared = this.compared.filter((r) => r.id !== e.detail.id);
            void lib.remove(e.detail.id);
          }}
          @library-import=${(e: CustomEvent<{ file: File }>) => void lib.importFile(e.detail.file)}
          @library-compare=${(e: CustomEvent<{ ids: string[] }>) => void this.loadCompared(e.detail.ids)}
        ></sbl-runs-library>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-app': App;
  }
}
