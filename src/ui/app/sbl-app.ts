import { localized, msg, str } from '@lit/localize';
import { html, LitElement, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { toEditableInput } from '../../config/config-input.ts';
import { configSchema } from '../../config/schema.ts';
import { startCoordinatorWorker } from '../../platform/browser/coordinator-client.ts';
import { buildTorchZipInWorker } from '../../platform/browser/torch-export-client.ts';
import { simulatedSourceOf } from '../../store/torch-match.ts';
import { warmUpCharts } from '../charts/warm-up.ts';
import { StoreController } from '../library/store-controller.ts';
import { expandStudy } from '../model/study.ts';
import { isSettled } from '../session/live-run.ts';
import { type PlannedRun, SessionController } from '../session/session-controller.ts';
import type { RunStudyDetail, StudyChangeDetail } from '../setup/sbl-setup-form.ts';
import { CompareController } from './compare-controller.ts';
import { interruptedOffer, interruptedText, ResumeController } from './resume-controller.ts';
import { RouteController } from './route-controller.ts';
import { appStyles } from './sbl-app.styles.ts';
import { TorchDownloadController } from './torch-download-controller.ts';
import { TransportController, transportMeaning } from './transport-controller.ts';
import '../experiments/sbl-experiments.ts';
import '../library/sbl-compare-view.ts';
import '../library/sbl-runs-library.ts';
import '../live/sbl-live-view.ts';
import '../setup/sbl-setup-form.ts';
import './sbl-intro.ts';
import '../i18n/sbl-locale-switch.ts';
import { openingChoice } from '../i18n/localization.ts';
import { LearnRouteController } from '../learn/learn-route-controller.ts';
import '../learn/sbl-learn-link.ts';

/**
 * The page: intro, study setup, live training view, comparison and the run library. It renders
 * and connects the views' events to its controllers: the training session, the run library, the
 * page address (route), resuming a saved run, the compared runs and the transport it names.
 */
// customElement last (decorators apply bottom-up): <sbl-app> is already in index.html, so define()
// upgrades it at once; localized() must have added its initializer before, or the page would
// never re-render its own text when the language changes.
@customElement('sbl-app')
@localized()
export class App extends LitElement {
  static override styles = appStyles;

  private readonly library = new StoreController(this);
  private readonly session = new SessionController(this, {
    spawn: startCoordinatorWorker,
    store: () => this.library.whenWritable(),
    onLibraryChanged: () => void this.library.refresh(),
    onLibraryProgress: () => this.library.refreshSoon(),
  });
  private readonly route = new RouteController(this);
  /** `#learn/N` shows the Learn view instead of the lab (its code loads when first opened). */
  private readonly learn = new LearnRouteController(this);
  private readonly compare = new CompareController(this, this.library);
  private readonly resumer = new ResumeController(this, {
    getRun: (id) => this.library.getRun(id),
    latestCheckpoint: (id) => this.library.latestCheckpoint(id),
    loadMetrics: (id) => this.library.loadMetrics(id),
    busy: () => this.session.view.busy,
    start: (plans) => void this.session.start(plans),
  });
  private readonly transport = new TransportController(
    this,
    () => this.session,
    () => this.route.study,
  );
  /** "Download for PyTorch (.zip)" of a finished run, in the live view or the library. */
  private readonly torch = new TorchDownloadController(this, buildTorchZipInWorker);
  private liveIds: ReadonlySet<string> = new Set();
  /** Interrupted runs the user chose not to be offered again (this page view only). */
  private dismissedOffers: ReadonlySet<string> = new Set();

  constructor() {
    super();
    this.library.onWriteError((error) => this.session.storeWriteFailed(error));
  }

  protected override firstUpdated(): void {
    // Once the page has drawn and settled: load the data, the workers and the chart code before
    // the first Run.
    const idle = (fn: () => void) =>
      typeof requestIdleCallback === 'function'
        ? requestIdleCallback(fn, { timeout: 2000 })
        : setTimeout(fn, 500);
    idle(() => {
      const planned = configSchema.safeParse(this.route.study.config);
      // One coordinator per run of the study: its runs train side by side.
      const runs = expandStudy(this.route.study).length;
      this.session.prewarm(planned.success ? planned.data.devices : 1, runs);
      warmUpCharts();
    });
  }

  private onStudyChange(e: CustomEvent<StudyChangeDetail>): void {
    this.route.edited(e.detail.study);
  }

  private onRun(e: CustomEvent<RunStudyDetail>): void {
    this.route.write(e.detail.study);
    const plans: PlannedRun[] = e.detail.runs.map((r) => ({
      label: r.label,
      name: r.name,
      config: r.config,
    }));
    void this.session.start(plans);
    void this.library.requestPersistenceOnce();
    this.resumer.clear();
    void this.showLiveView().then(() =>
      this.renderRoot.querySelector('sbl-live-view')?.focusHeading(),
    );
  }

  /** Bring the training view into sight if it is not (one column, or scrolled away). */
  private async showLiveView(): Promise<void> {
    await this.updateComplete;
    const live = this.renderRoot.querySelector('sbl-live-view');
    const top = live?.getBoundingClientRect().top ?? 0;
    if (live && (top < 0 || top > window.innerHeight * 0.6))
      live.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  private async showCompared(ids: readonly string[]): Promise<void> {
    await this.compare.load(ids);
    await this.updateComplete;
    this.renderRoot
      .querySelector('sbl-compare-view')
      ?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  private async onLibraryAction(e: CustomEvent<{ action: string; id: string }>): Promise<void> {
    const { action, id } = e.detail;
    if (action === 'show') await this.showRun(id);
    else if (action === 'export') await this.library.exportRun(id);
    else if (action === 'torch-zip') {
      const run = await this.library.getRun(id);
      if (run)
        await this.torch.download({
          where: 'library',
          key: id,
          name: run.name,
          config: run.config,
        });
    } else if (action === 'resume') {
      if (await this.resumer.resume(id)) await this.showLiveView();
    } else if (action === 'use-settings') {
      const run = await this.library.getRun(id);
      if (!run) return;
      this.route.show({ config: toEditableInput(run.config), compare: null });
      await this.updateComplete;
      this.renderRoot
        .querySelector('sbl-setup-form')
        ?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }
  }

  /**
   * A saved run on its own; a run from PyTorch together with the simulated run it reproduces
   * (when the library holds it), so the compare view shows both curves and their difference.
   */
  private async showRun(id: string): Promise<void> {
    const run = this.library.runs.find((r) => r.id === id);
    const source = run?.origin ? simulatedSourceOf(run, this.library.runs) : null;
    await this.showCompared(source ? [source.id, id] : [id]);
  }

  private async importFile(file: File): Promise<void> {
    const run = await this.library.importFile(file);
    if (run?.origin) await this.showRun(run.id);
  }

  /** The live view's download button: the run's saved name when it has one, else its label. */
  private async downloadLiveRun(key: string): Promise<void> {
    const run = this.session.view.runs.find((r) => r.key === key);
    if (!run) return;
    const saved = run.storeId ? this.library.runs.find((r) => r.id === run.storeId) : undefined;
    await this.torch.download({
      where: 'live',
      key,
      name: saved?.name ?? run.label,
      config: run.config,
    });
  }

  private async resumeOffered(id: string): Promise<void> {
    if (await this.resumer.resume(id)) await this.showLiveView();
  }

  private dismissOffer(id: string): void {
    this.dismissedOffers = new Set([...this.dismissedOffers, id]);
    this.resumer.clear();
    this.requestUpdate();
  }

  /** `?lang=` named a language the app does not have: say so once, in the language shown. */
  private renderLanguageNote() {
    const unknown = openingChoice()?.unknownQuery;
    if (!unknown) return nothing;
    return html`<div class="banner" role="status" data-testid="language-note">
      ${msg(str`The address asks for the language “${unknown}”, which syncbn-lab does not have: it offers English (?lang=en) and Chinese (?lang=zh-CN).`)}
    </div>`;
  }

  /** After a reload: the run the page lost, offered above the training view to continue. */
  private renderOffer(busy: boolean) {
    const run = interruptedOffer(this.library.runs, this.dismissedOffers, busy);
    if (!run) return nothing;
    return html`<div class="offer" role="region" aria-label=${msg('Interrupted run')} data-testid="interrupted-offer">
      <p>${msg(str`${interruptedText(run)} It continues from its last checkpoint.`)}</p>
      ${this.resumer.problem ? html`<p class="notice" role="alert">${this.resumer.problem}</p>` : nothing}
      <div class="row">
        <button type="button" @click=${() => void this.resumeOffered(run.id)}>${msg('Resume')}</button>
        <button type="button" @click=${() => this.dismissOffer(run.id)}>${msg('Dismiss')}</button>
      </div>
    </div>`;
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
    if (this.learn.active) {
      void import('../learn/sbl-learn-view.ts');
      return html`<sbl-learn-view .step=${this.learn.step}></sbl-learn-view>`;
    }
    const view = this.session.view;
    const lib = this.library;
    const transport = this.transport.transport();
    const isolated = this.transport.isolated;
    const liveIds = this.sameLiveIds(
      view.runs.flatMap((r) => (r.storeId && !isSettled(r.status) ? [r.storeId] : [])),
    );
    return html`
      <header>
        <button
          type="button"
          class="skip-link"
          data-testid="skip-to-run"
          @click=${() => this.renderRoot.querySelector('sbl-setup-form')?.focusRun()}
        >
          ${msg('Skip to Run')}
        </button>
        <sbl-locale-switch></sbl-locale-switch>
        <h1>${msg('syncbn-lab: Batch Normalization across devices')}</h1>
        <sbl-learn-link></sbl-learn-link>
        <sbl-intro></sbl-intro>
        <details class="env small" data-testid="about-run">
          <summary>${msg('About this run')}</summary>
          <span
            >${msg('Transport:')} <strong data-testid="transport">${transport.name}</strong>
            <span class="muted"
              >— ${
                transport.known
                  ? transportMeaning(transport.name)
                  : msg(
                      str`${transportMeaning(transport.name)} (expected; confirmed when a run starts)`,
                    )
              }</span
            ></span
          >
          <span
            >${msg('Page:')}
            <strong data-testid="isolation" data-isolated=${isolated ? 'true' : 'false'}
              >${isolated ? msg('cross-origin isolated') : msg('not isolated')}</strong
            ></span
          >
        </details>
      </header>
      <main>
      ${this.renderLanguageNote()}
      ${lib.banner ? html`<div class="banner" role="alert" data-testid="library-banner">${lib.banner}</div>` : nothing}
      ${this.route.message ? html`<div class="banner" role="alert" data-testid="hash-error">${this.route.message}</div>` : nothing}
      <div class="layout">
        <div class="card setup">
          <sbl-setup-form
            .study=${this.route.study}
            ?busy=${view.busy}
            @study-change=${this.onStudyChange}
            @run-study=${this.onRun}
          ></sbl-setup-form>
        </div>
        <div class="card">
          ${this.renderOffer(view.busy)}
          <sbl-live-view
            .view=${view}
            .torchNote=${this.torch.note}
            @torch-download=${(e: CustomEvent<{ key: string }>) => void this.downloadLiveRun(e.detail.key)}
            @session-pause=${() => this.session.pause()}
            @session-resume=${() => this.session.resume()}
            @session-stop=${() => this.session.stop()}
          ></sbl-live-view>
        </div>
      </div>
      ${
        this.compare.runs.length > 0
          ? html`<sbl-compare-view
            .runs=${this.compare.runs}
            @close-compare=${() => this.compare.close()}
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
          .resumeProblem=${this.resumer.problem}
          .torchNote=${this.torch.note}
          ?busy=${view.busy}
          @library-action=${this.onLibraryAction}
          @library-rename=${(e: CustomEvent<{ id: string; name: string }>) => void lib.rename(e.detail.id, e.detail.name)}
          @library-delete=${(e: CustomEvent<{ id: string }>) => {
            this.compare.forget(e.detail.id);
            void lib.remove(e.detail.id);
          }}
          @library-import=${(e: CustomEvent<{ file: File }>) => void this.importFile(e.detail.file)}
          @library-compare=${(e: CustomEvent<{ ids: string[] }>) => void this.showCompared(e.detail.ids)}
        ></sbl-runs-library>
      </section>
      </main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-app': App;
  }
}
