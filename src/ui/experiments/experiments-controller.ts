import { LOCALE_STATUS_EVENT, type LocaleStatusEventDetail, msg, str } from '@lit/localize';
import * as Comlink from 'comlink';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { errorMessage } from '../../core/error-message.ts';
import type { PlanProgress } from '../../experiments/kit/runner.ts';
import type { FigureLocale } from '../../experiments/kit/figure-locale.ts';
import type { ColorScheme } from '../../experiments/kit/theme.ts';
import type { ExperimentName, ExperimentResult } from '../../experiments/kit/types.ts';
import type {
  ExperimentWorkerFactory,
  ExperimentWorkerHandle,
} from '../../platform/browser/experiment-client.ts';
import type { FigureImage } from '../../platform/browser/render-figure.ts';
import type { ExperimentRecord } from '../../store/experiments.ts';
import type { RunStore } from '../../store/run-store.ts';
import { pageClock, type RenderClock, RenderJob } from '../render-clock.ts';
import { newExperimentRecord, resultOf, withResult } from './experiment-records.ts';
import { pageFigureLocale } from './page-figure-locale.ts';

export interface ExperimentsControllerOptions {
  readonly spawn: ExperimentWorkerFactory;
  readonly now?: () => number;
  readonly newId?: () => string;
  readonly clock?: RenderClock;
  /** The page's colour scheme now (default: prefers-color-scheme), which figures are drawn for. */
  readonly colorScheme?: () => ColorScheme;
  /** The page's language now, which figures are written in (default: the page's locale). */
  readonly locale?: () => Promise<FigureLocale>;
}

const DARK = '(prefers-color-scheme: dark)';

/** The page's colour scheme, light where it cannot be asked (no matchMedia). */
function pageColorScheme(): ColorScheme {
  return typeof matchMedia === 'function' && matchMedia(DARK).matches ? 'dark' : 'light';
}

/** The record on show: the running session, or a saved one the user opened. */
export interface ShownExperiment {
  readonly record: ExperimentRecord;
  /** The figure as an image (PNG, drawn in the worker), null while none could be drawn yet. */
  readonly figure: FigureImage | null;
}

/**
 * Runs one named experiment at a time in its own worker, saves its record after every unit (and
 * at the end), and keeps the list of saved sessions. The page thread only stores and draws.
 */
export class ExperimentsController implements ReactiveController {
  store: RunStore | null = null;
  records: readonly ExperimentRecord[] = [];
  shown: ShownExperiment | null = null;
  progress: PlanProgress | null = null;
  activeId: string | null = null;
  stopping = false;
  error: string | null = null;
  private worker: ExperimentWorkerHandle | null = null;
  /** The latest show() call: an earlier one's figure (drawn for an earlier language) is dropped. */
  private showing = 0;
  /** Progress renders ride the page's render clock, with the live view's and the charts'. */
  private readonly render = new RenderJob(() => this.host.requestUpdate());
  private readonly clock: RenderClock;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly colorScheme: () => ColorScheme;
  private readonly locale: () => Promise<FigureLocale>;
  /** Redraws a saved session's figure when the page switches between light and dark. */
  private readonly onSchemeChange = (): void => {
    if (this.shown && !this.busy) void this.show(this.shown.record);
  };
  /**
   * The page switched language: a saved session's figure is drawn again in it; a running
   * session's worker writes its next figures in it (the checks re-render with the page).
   */
  private readonly onLocaleChange = (event: Event): void => {
    const detail = (event as CustomEvent<LocaleStatusEventDetail>).detail;
    if (detail.status !== 'ready') return;
    if (this.busy) {
      const worker = this.worker;
      if (worker) void this.locale().then((locale) => worker.api.showLocale(locale));
    } else if (this.shown) void this.show(this.shown.record);
  };

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: ExperimentsControllerOptions,
  ) {
    host.addController(this);
    this.now = options.now ?? Date.now;
    this.clock = options.clock ?? pageClock;
    this.newId = options.newId ?? (() => crypto.randomUUID());
    this.colorScheme = options.colorScheme ?? pageColorScheme;
    this.locale = options.locale ?? pageFigureLocale;
  }

  hostConnected(): void {
    if (typeof matchMedia === 'function')
      matchMedia(DARK).addEventListener('change', this.onSchemeChange);
    globalThis.addEventListener?.(LOCALE_STATUS_EVENT, this.onLocaleChange);
  }

  get busy(): boolean {
    return this.activeId !== null;
  }

  hostDisconnected(): void {
    if (typeof matchMedia === 'function')
      matchMedia(DARK).removeEventListener('change', this.onSchemeChange);
    globalThis.removeEventListener?.(LOCALE_STATUS_EVENT, this.onLocaleChange);
    this.clock.cancel(this.render);
    this.worker?.terminate();
    this.worker = null;
  }

  /** Called when the run library opens (or changes); lists the saved sessions. */
  async attach(store: RunStore | null): Promise<void> {
    if (store === this.store) return;
    this.store = store;
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const store = this.store;
    if (!store || store.closed) return;
    try {
      this.records = await store.listExperiments();
    } catch (error) {
      const reason = messageOf(error);
      this.error = msg(str`The saved experiments could not be read: ${reason}`);
    }
    this.host.requestUpdate();
  }

  /** Start `name` (or continue `resume`, a stopped session of it, keeping its rows). */
  async run(name: ExperimentName, quick: boolean, resume?: ExperimentRecord): Promise<void> {
    if (this.busy) return;
    let record = resume
      ? { ...resume, status: 'running' as const, updatedAt: this.now(), error: undefined }
      : newExperimentRecord(this.newId(), name, quick, this.now());
    this.activeId = record.id;
    this.stopping = false;
    this.error = null;
    this.progress = null;
    this.shown = {
      record,
      figure: resume && this.shown?.record.id === resume.id ? this.shown.figure : null,
    };
    this.host.requestUpdate();
    await this.save(record);
    await this.refresh();

    const worker = this.options.spawn();
    this.worker = worker;
    const onProgress = (progress: PlanProgress): void => {
      this.progress = progress;
      this.clock.request(this.render);
    };
    const onUnitDone = async (
      partial: ExperimentResult,
      figure: FigureImage | null,
    ): Promise<void> => {
      record = withResult(record, partial, 'running', this.now());
      this.shown = { record, figure: figure ?? this.shown?.figure ?? null };
      this.host.requestUpdate();
      await this.save(record);
    };
    try {
      const locale = await this.locale();
      const { result, figure } = await Promise.race([
        worker.api.run(
          {
            name: record.name,
            quick: record.quick,
            previous: resume ? { rows: [...resume.rows], elapsedMs: resume.elapsedMs } : undefined,
            colorScheme: this.colorScheme(),
            locale,
          },
          Comlink.proxy(onProgress),
          Comlink.proxy(onUnitDone),
        ),
        worker.died,
      ]);
      record = withResult(record, result, result.complete ? 'completed' : 'stopped', this.now());
      this.shown = { record, figure: figure ?? this.shown?.figure ?? null };
    } catch (error) {
      record = { ...record, status: 'failed', updatedAt: this.now(), error: messageOf(error) };
      this.shown = { record, figure: this.shown?.figure ?? null };
      const reason = messageOf(error);
      this.error = msg(str`${record.name} failed: ${reason}`);
    } finally {
      worker.terminate();
      if (this.worker === worker) this.worker = null;
      this.activeId = null;
      this.stopping = false;
    }
    await this.save(record);
    await this.refresh();
  }

  stop(): void {
    if (!this.worker || this.stopping) return;
    this.stopping = true;
    void this.worker.api.stop();
    this.host.requestUpdate();
  }

  /** Show a saved session: its figure is drawn in a short-lived worker (Vega stays off this thread). */
  async show(record: ExperimentRecord): Promise<void> {
    const ticket = ++this.showing;
    this.shown = { record, figure: null };
    this.host.requestUpdate();
    if (record.rows.length === 0) return;
    const worker = this.options.spawn();
    try {
      const locale = await this.locale();
      const figure = await Promise.race([
        worker.api.figure(resultOf(record), this.colorScheme(), locale),
        worker.died,
      ]);
      if (ticket === this.showing && this.shown?.record.id === record.id)
        this.shown = { record, figure };
    } catch (error) {
      const reason = messageOf(error);
      this.error = msg(str`The figure could not be drawn: ${reason}`);
    } finally {
      worker.terminate();
    }
    this.host.requestUpdate();
  }

  async remove(id: string): Promise<void> {
    if (id === this.activeId || !this.store) return;
    try {
      await this.store.deleteExperiment(id);
    } catch (error) {
      const reason = messageOf(error);
      this.error = msg(str`The experiment could not be deleted: ${reason}`);
    }
    if (this.shown?.record.id === id) this.shown = null;
    await this.refresh();
  }

  private async save(record: ExperimentRecord): Promise<void> {
    const store = this.store;
    if (!store || store.closed) return;
    try {
      await store.saveExperiment(record);
    } catch (error) {
      const reason = messageOf(error);
      this.error = msg(str`The experiment's results could not be saved: ${reason}`);
      this.host.requestUpdate();
    }
  }
}

function messageOf(error: unknown): string {
  return errorMessage(error);
}
