import { msg, str } from '@lit/localize';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { errorMessage } from '../../core/error-message.ts';
import {
  type CheckpointRecord,
  type LoadedCurves,
  type LoadedMetrics,
  openRunStore,
  type RunRecord,
  type RunStore,
  type StorageEstimate,
  type StoreError,
} from '../../store/index.ts';
import { simulatedSourceOf } from '../../store/torch-match.ts';
import { parseImportJson } from '../../store/import.ts';
import { isTorchMetrics } from '../../store/torch-metrics.ts';
import { exportFileName } from '../model/format.ts';

export type LibraryState = 'opening' | 'ready' | 'unavailable' | 'closed';

export interface LibraryNote {
  readonly kind: 'ok' | 'error';
  /** Read at render time: in the language the page shows then. */
  readonly text: string;
}

/** Which sentence the banner at the top of the page says (its words are made when shown). */
type Banner =
  | { readonly kind: 'other-tabs' | 'upgraded' | 'storage-full' }
  | { readonly kind: 'unopened'; readonly error: unknown };

function bannerText(banner: Banner): string {
  switch (banner.kind) {
    case 'other-tabs':
      return msg(
        'Close the other syncbn-lab tab (it has an older version of the run library open), then reload this page. Until then, runs are not saved.',
      );
    case 'upgraded':
      return msg(
        'Another syncbn-lab tab upgraded the run library, so this page stopped saving runs. Close the other syncbn-lab tab or reload this page.',
      );
    case 'storage-full':
      return msg(
        'The browser’s storage for this site is full, so new runs cannot be saved. Export runs you want to keep and delete some in the library below to make room.',
      );
    case 'unopened': {
      const reason = messageOf(banner.error);
      return msg(str`The run library could not be opened, so runs are not saved: ${reason}`);
    }
  }
}

/** A note whose words are made each time it is read (a language switch rewrites it). */
function note(kind: LibraryNote['kind'], say: () => string): LibraryNote {
  return {
    kind,
    get text() {
      return say();
    },
  };
}

/** Why an action failed: the store's error (its message follows the language) or a closed library. */
type ActionFailure = { readonly error: unknown } | 'closed';

/** How stale the library's view of a training run may get (its steps, its last checkpoint). */
const PROGRESS_REFRESH_MS = 2000;

/**
 * The run library (IndexedDB): the list of runs and what the page does with it. Opening, the
 * other-tab banners, storage figures and the import result live here; the views only render them.
 */
export class StoreController implements ReactiveController {
  state: LibraryState = 'opening';
  private shownBanner: Banner | null = null;
  private actionFailure: ActionFailure | null = null;
  runs: readonly RunRecord[] = [];
  estimate: StorageEstimate | null = null;
  /** True: the browser promised not to evict the library; false: it may; null: not asked / unknown. */
  persisted: boolean | null = null;
  /** The import result, shown next to the import button. */
  importNote: LibraryNote | null = null;

  /** Sentence for the banner at the top of the page (another tab, storage gone), or null. */
  get banner(): string | null {
    return this.shownBanner ? bannerText(this.shownBanner) : null;
  }

  /** The last action's failure (rename, delete, export), shown above the table. */
  get actionError(): string | null {
    const failure = this.actionFailure;
    if (failure === null) return null;
    return failure === 'closed' ? msg('The run library is not open.') : messageOf(failure.error);
  }

  private store: RunStore | null = null;
  /** Settles when opening ended, either way (open() reports its own failures). */
  private opening: Promise<void> = Promise.resolve();
  private persistenceAsked = false;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private soon: ReturnType<typeof setTimeout> | null = null;
  private writeErrorListeners: ((error: StoreError) => void)[] = [];

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.state === 'opening' && !this.store) this.opening = this.open();
    window.addEventListener('pagehide', this.onPageHide);
  }

  hostDisconnected(): void {
    window.removeEventListener('pagehide', this.onPageHide);
    if (this.soon) clearTimeout(this.soon);
    this.soon = null;
    void this.store?.close().catch(() => {});
    this.store = null;
  }

  /** Best effort: write buffered metrics before the page goes (checkpoints cover the rest). */
  private readonly onPageHide = (): void => {
    void this.writable?.flush().catch(() => {});
  };

  /**
   * The store to save a new run into: at once when open, after opening while it opens (a Run
   * pressed in the page's first moments), null when it cannot be used.
   */
  async whenWritable(): Promise<RunStore | null> {
    await this.opening;
    return this.writable;
  }

  /** The store to save runs into, while it is open. */
  get writable(): RunStore | null {
    return this.store && !this.store.closed ? this.store : null;
  }

  onWriteError(listener: (error: StoreError) => void): void {
    this.writeErrorListeners.push(listener);
  }

  private async open(): Promise<void> {
    try {
      this.store = await openRunStore({
        onBlocked: () => {
          this.shownBanner = { kind: 'other-tabs' };
          this.host.requestUpdate();
        },
        onVersionChange: () => {
          this.state = 'closed';
          this.shownBanner = { kind: 'upgraded' };
          this.host.requestUpdate();
        },
        onWriteError: (error) => {
          for (const l of this.writeErrorListeners) l(error);
        },
        // A run the page before a reload was still holding became interrupted after we opened.
        onRunsChanged: () => void this.refresh(),
      });
      this.state = 'ready';
      if (this.shownBanner?.kind === 'other-tabs') this.shownBanner = null;
      await this.refresh();
    } catch (error) {
      this.state = 'unavailable';
      this.shownBanner = { kind: 'unopened', error };
      this.host.requestUpdate();
    }
  }

  /**
   * Reload within PROGRESS_REFRESH_MS, at most once per that time: a run checkpoints every 25
   * steps, several times a second, and each reload re-renders the page around the library.
   */
  refreshSoon(): void {
    this.soon ??= setTimeout(() => {
      this.soon = null;
      void this.refresh();
    }, PROGRESS_REFRESH_MS);
  }

  /**
   * Reload the list and the storage figures. Calls while a reload is under way are folded into
   * one more reload after it (a fast run asks at every checkpoint).
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = this.reload().finally(() => {
      this.refreshing = null;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  private async reload(): Promise<void> {
    const store = this.writable;
    if (!store) return;
    try {
      this.runs = await store.listRuns();
      this.estimate = await store.storageEstimate().catch(() => null);
    } catch (error) {
      this.actionFailure = { error };
    }
    this.showStorageFull(store);
    this.host.requestUpdate();
  }

  /** The banner says so while the disk is full (the library itself keeps working). */
  private showStorageFull(store: RunStore): void {
    const full = store.storageFull;
    if (full) {
      this.shownBanner = { kind: 'storage-full' };
    } else if (this.shownBanner?.kind === 'storage-full') {
      this.shownBanner = null;
    }
  }

  /** Ask once per page for storage the browser will not evict (called when a run is saved). */
  async requestPersistenceOnce(): Promise<void> {
    const store = this.writable;
    if (!store || this.persistenceAsked) return;
    this.persistenceAsked = true;
    this.persisted = await store.requestPersistence().catch(() => null);
    this.host.requestUpdate();
  }

  async rename(id: string, name: string): Promise<boolean> {
    return this.act(async (s) => {
      await s.renameRun(id, name);
    });
  }

  async remove(id: string): Promise<boolean> {
    return this.act(async (s) => {
      await s.deleteRun(id);
    });
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    return this.writable?.getRun(id);
  }

  /** A saved run's train and eval rows, without its telemetry (for the compare view's curves). */
  async loadCurves(id: string): Promise<LoadedCurves | null> {
    const store = this.writable;
    return store ? store.loadCurves(id) : null;
  }

  async loadMetrics(id: string): Promise<LoadedMetrics | null> {
    const store = this.writable;
    return store ? store.loadMetrics(id) : null;
  }

  async latestCheckpoint(id: string): Promise<CheckpointRecord | null> {
    return (await this.writable?.latestCheckpoint(id)) ?? null;
  }

  /** Download the run as `<name>.syncbn-run.json`. */
  async exportRun(id: string): Promise<void> {
    await this.act(async (s) => {
      const run = await s.getRun(id);
      const data = await s.exportRun(id);
      const blob = new Blob([JSON.stringify(data)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = exportFileName(run?.name ?? id);
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }, false);
  }

  /**
   * Add a run from a file: a run export, or the metrics.json of an exported train.py (a run "from
   * PyTorch"). A bad file leaves the library as it was and says why. Resolves to the run added.
   */
  async importFile(file: File): Promise<RunRecord | null> {
    const store = this.writable;
    if (!store) {
      this.importNote = note('error', () =>
        msg('The run library is not open, so nothing can be imported.'),
      );
      this.host.requestUpdate();
      return null;
    }
    let run: RunRecord | null = null;
    try {
      const value = parseImportJson(await file.text());
      if (isTorchMetrics(value)) {
        run = await store.importTorchMetrics(value);
        await this.refresh();
        const name = run.name;
        const source = simulatedSourceOf(run, this.runs);
        const sourceName = source?.name ?? '';
        this.importNote = note('ok', () =>
          source
            ? msg(str`Imported “${name}” from PyTorch; it is compared with “${sourceName}” above.`)
            : msg(
                str`Imported “${name}” from PyTorch; no simulated run with its settings is in the library to compare it with.`,
              ),
        );
      } else {
        run = await store.importRun(value);
        const name = run.name;
        this.importNote = note('ok', () => msg(str`Imported “${name}”.`));
        await this.refresh();
      }
    } catch (error) {
      const fileName = file.name;
      this.importNote = note('error', () => `${fileName}: ${messageOf(error)}`);
    }
    this.host.requestUpdate();
    return run;
  }

  clearImportNote(): void {
    this.importNote = null;
    this.host.requestUpdate();
  }

  private async act(body: (store: RunStore) => Promise<void>, refresh = true): Promise<boolean> {
    const store = this.writable;
    if (!store) {
      this.actionFailure = 'closed';
      this.host.requestUpdate();
      return false;
    }
    try {
      await body(store);
      this.actionFailure = null;
      if (refresh) await this.refresh();
      return true;
    } catch (error) {
      this.actionFailure = { error };
      this.host.requestUpdate();
      return false;
    }
  }
}

function messageOf(error: unknown): string {
  return errorMessage(error);
}
