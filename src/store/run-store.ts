import { msg, str } from '@lit/localize';
import type { RunConfig } from '../config/schema.ts';
import type { Checkpoint } from '../workers/checkpoint.ts';
import { DEFAULT_KEEP_CHECKPOINTS, latestCheckpoint, putCheckpoint } from './checkpoints.ts';
import type { VersionInfo } from './connection.ts';
import { ALL_STORES, type LabDatabase, runKeyRange } from './db-schema.ts';
import { toConfigInput } from '../config/config-input.ts';
import {
  ImportError,
  RunNotFoundError,
  StoreClosedError,
  type StoreError,
  StoreQuotaError,
  toStoreError,
} from './errors.ts';
import {
  deleteExperiment,
  type ExperimentRecord,
  listExperiments,
  putExperiment,
} from './experiments.ts';
import { buildRunExport } from './export.ts';
import type { RunExport } from './export-format.ts';
import { canonicalJson } from './fingerprint.ts';
import { validateRunExport } from './import.ts';
import { validateTorchMetrics } from './torch-metrics.ts';
import { simulatedSourceOf } from './torch-match.ts';
import { loadCurves, loadMetrics, writeChunks } from './metrics.ts';
import { DEFAULT_FLUSH_POLICY, MetricsFlusher } from './metrics-flusher.ts';
import type { RunStoreOptions } from './run-store-options.ts';
import type {
  CheckpointRecord,
  LoadedCurves,
  LoadedMetrics,
  MetricsBatch,
  RunRecord,
} from './records.ts';
import { RunLocks } from './run-locks.ts';
import {
  checkName,
  defaultRunName,
  MAX_NAME_LENGTH,
  newRunId,
  newRunRecord,
  patchRun,
  type RunPatch,
  type RunQuery,
  selectRuns,
} from './runs.ts';
import {
  defaultStorage,
  estimateStorage,
  requestPersistence,
  type StorageEstimate,
  type StorageManagerLike,
} from './storage.ts';
import { type AllStoresTx, readTransaction, writeTransaction } from './transaction.ts';
import { defaultStatusJournal, UnsavedStatuses } from './unsaved-status.ts';

type Extra = (tx: AllStoresTx) => Promise<void>;

/** What makes two records the same run, whatever their ids: when it started, and its config. */
function runIdentity(run: { readonly createdAt: number; readonly config: RunConfig }): string {
  return `${run.createdAt} ${canonicalJson(toConfigInput(run.config))}`;
}

export class RunStore {
  private readonly flusher: MetricsFlusher<Extra>;
  private readonly locks: RunLocks;
  private readonly keepCheckpoints: number;
  private readonly now: () => number;
  private readonly newId: () => string;
  private closedBecause: string | null = null;
  private readonly unsaved: UnsavedStatuses;
  private fullBecause: StoreQuotaError | null = null;
  /** Runs another page holds the lock of, whose release this store waits for. */
  private readonly watching = new Set<string>();

  /** Use openRunStore. */
  constructor(
    private readonly db: LabDatabase,
    name: string,
    private readonly options: RunStoreOptions,
  ) {
    this.flusher = new MetricsFlusher<Extra>(
      {
        intervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_POLICY.intervalMs,
        maxRows: options.flushRows ?? DEFAULT_FLUSH_POLICY.maxRows,
      },
      (taken, extra) =>
        this.noting(
          writeTransaction(this.db, ALL_STORES, async (tx) => {
            const now = this.now();
            for (const [runId, pending] of taken) await writeChunks(tx, runId, pending, now);
            if (extra) await extra(tx);
          }),
        ),
      (error) => this.options.onWriteError?.(error),
    );
    const lockManager =
      options.locks === undefined ? (globalThis.navigator?.locks ?? null) : options.locks;
    this.locks = new RunLocks(lockManager, `${name}:run:`);
    this.keepCheckpoints = options.keepCheckpoints ?? DEFAULT_KEEP_CHECKPOINTS;
    this.unsaved = new UnsavedStatuses(
      options.statusJournal === undefined ? defaultStatusJournal() : options.statusJournal,
      `${name}:unsaved-statuses`,
    );
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? newRunId;
  }

  get closed(): boolean {
    return this.closedBecause !== null;
  }

  /**
   * The last write refused for lack of space (the library still lists, exports and deletes
   * runs); null once a write has succeeded again.
   */
  get storageFull(): StoreQuotaError | null {
    return this.fullBecause;
  }

  /** Metric rows buffered in memory, not yet written. */
  get pendingRows(): number {
    return this.flusher.buffer.rows;
  }

  /** A new run, status `running`, named after its config unless `name` is given. */
  async createRun(config: RunConfig, name?: string): Promise<RunRecord> {
    this.ensureOpen();
    const run = newRunRecord(this.newId(), config, name, this.now());
    await this.noting(
      writeTransaction(this.db, ['runs'], async (tx) => {
        await tx.objectStore('runs').add(run);
      }),
    );
    this.locks.hold(run.id);
    return run;
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    this.ensureOpen();
    const run = await readTransaction(this.db, ['runs'], async (tx) =>
      tx.objectStore('runs').get(id),
    );
    return run && this.unsaved.apply(run);
  }

  async listRuns(query: RunQuery = {}): Promise<RunRecord[]> {
    this.ensureOpen();
    const runs = await readTransaction(this.db, ['runs'], async (tx) =>
      tx.objectStore('runs').getAll(),
    );
    return selectRuns(
      runs.map((run) => this.unsaved.apply(run)),
      query,
    );
  }

  renameRun(id: string, name: string): Promise<RunRecord> {
    return this.updateRun(id, { name });
  }

  /**
   * Patch name, status and/or summary (merged); updatedAt becomes now. When the disk is full, a
   * status change still takes effect in what this store reads back (and is written once a delete
   * makes room), and this throws StoreQuotaError; a rename just throws.
   */
  async updateRun(id: string, patch: RunPatch): Promise<RunRecord> {
    this.ensureOpen();
    const now = this.now();
    let updated: RunRecord;
    try {
      updated = await this.noting(
        writeTransaction(this.db, ['runs'], async (tx) => {
          const run = await tx.objectStore('runs').get(id);
          if (!run) throw new RunNotFoundError(id);
          const next = patchRun(this.unsaved.apply(run), patch, now);
          await tx.objectStore('runs').put(next);
          return next;
        }),
      );
      this.unsaved.forget(id);
    } catch (error) {
      if (
        error instanceof StoreQuotaError &&
        patch.status !== undefined &&
        patch.status !== 'running'
      ) {
        this.unsaved.remember(id, patch, now);
        this.locks.release(id);
      }
      throw error;
    }
    // Only a status change says whether this tab trains the run (renaming another tab's does not).
    if (patch.status === 'running') this.locks.hold(id);
    else if (patch.status !== undefined) this.locks.release(id);
    return updated;
  }

  /** The run, its metrics (saved and buffered) and its checkpoints, in one transaction. */
  async deleteRun(id: string): Promise<boolean> {
    this.ensureOpen();
    this.flusher.buffer.drop(id);
    this.locks.release(id);
    this.unsaved.forget(id);
    // Deletes go through on a full disk (they only free space).
    const deleted = await writeTransaction(this.db, ALL_STORES, async (tx) => {
      if (!(await tx.objectStore('runs').getKey(id))) return false;
      await tx.objectStore('runs').delete(id);
      for (const store of ['metrics', 'telemetry', 'checkpoints'] as const) {
        await tx.objectStore(store).delete(runKeyRange(id));
      }
      return true;
    });
    if (deleted) {
      // Room was made; the next refused write says if it was not enough.
      this.fullBecause = null;
      await this.writeUnsaved();
    }
    return deleted;
  }

  /**
   * Buffer rows; they are written in one transaction at most `flushIntervalMs` later, or at once
   * past `flushRows` rows. Each write also updates the run's summary (stepsDone, lastLoss, and
   * testAcc/testLoss from the newest eval row). Failures of these background writes go to
   * onWriteError; the rows stay buffered until a flush() succeeds.
   */
  appendMetrics(runId: string, batch: MetricsBatch): void {
    this.ensureOpen();
    this.flusher.append(runId, batch);
  }

  /** Write every buffered row now (one transaction). Throws StoreQuotaError when storage is full. */
  flush(): Promise<void> {
    this.ensureOpen();
    return this.flusher.flush();
  }

  /** Saved rows followed by the buffered ones; telemetry columns concatenated. */
  async loadMetrics(id: string): Promise<LoadedMetrics> {
    this.ensureOpen();
    return loadMetrics(this.db, id, this.flusher.buffer.peek(id));
  }

  /** Saved and buffered train and eval rows only, without the telemetry (for curves). */
  async loadCurves(id: string): Promise<LoadedCurves> {
    this.ensureOpen();
    return loadCurves(this.db, id, this.flusher.buffer.peek(id));
  }

  /**
   * Save a checkpoint, keeping the newest `keepCheckpoints` of the run. Buffered metrics are
   * written in the same transaction, so a saved checkpoint never runs ahead of the saved rows.
   */
  saveCheckpoint(id: string, checkpoint: Checkpoint): Promise<void> {
    this.ensureOpen();
    return this.flusher.writeWith((tx) =>
      putCheckpoint(tx, id, checkpoint, this.keepCheckpoints, this.now()),
    );
  }

  async latestCheckpoint(id: string): Promise<CheckpointRecord | null> {
    this.ensureOpen();
    return latestCheckpoint(this.db, id);
  }

  /** A JSON-serialisable export: JSON.stringify it to a file; importRun reads it back exactly. */
  async exportRun(id: string): Promise<RunExport> {
    const run = await this.getRun(id);
    if (!run) throw new RunNotFoundError(id);
    const [metrics, checkpoint] = await Promise.all([
      this.loadMetrics(id),
      this.latestCheckpoint(id),
    ]);
    return buildRunExport(run, metrics, checkpoint, this.now());
  }

  /**
   * Add an exported run (its JSON text or the parsed object) under a new id. The file is checked
   * completely first: a bad one throws ImportError and writes nothing.
   */
  async importRun(data: unknown): Promise<RunRecord> {
    this.ensureOpen();
    const file = validateRunExport(data);
    const run: RunRecord = {
      id: this.newId(),
      name: file.name,
      config: file.config,
      status: file.status,
      createdAt: file.createdAt,
      updatedAt: this.now(),
      summary: file.summary,
      ...(file.origin ? { origin: file.origin } : {}),
    };
    const identity = runIdentity(file);
    await writeTransaction(this.db, ALL_STORES, async (tx) => {
      // The same run again (its start time and config) is refused: a copy would be a second row
      // of the same numbers that diverges from the first as soon as either is resumed.
      for (const existing of await tx.objectStore('runs').getAll()) {
        if (runIdentity(existing) === identity) {
          const name = existing.name;
          throw new ImportError(() =>
            msg(
              str`This run is already in the library, as “${name}” (same start time and config), so it was not imported again. Delete that one first to replace it with the file.`,
            ),
          );
        }
      }
      await tx.objectStore('runs').add(run);
      const { train, eval: evaluation, telemetry } = file.metrics;
      if (train.length > 0 || evaluation.length > 0) {
        await tx.objectStore('metrics').add({ runId: run.id, seq: 0, train, eval: evaluation });
      }
      if (telemetry) await tx.objectStore('telemetry').add({ runId: run.id, seq: 0, telemetry });
      if (file.checkpoint)
        await putCheckpoint(tx, run.id, file.checkpoint, this.keepCheckpoints, this.now());
    });
    return run;
  }

  /**
   * Add a PyTorch run: the metrics.json an exported train.py wrote (its text or parsed JSON),
   * checked completely first (a bad file throws ImportError and writes nothing). The run is marked
   * with its origin (torch version, device, processes) and named after the simulated run it
   * reproduces when the library holds it; the same file imported twice is refused.
   */
  async importTorchMetrics(data: unknown): Promise<RunRecord> {
    this.ensureOpen();
    const file = validateTorchMetrics(data);
    const now = this.now();
    let run: RunRecord | null = null;
    await writeTransaction(this.db, ALL_STORES, async (tx) => {
      const runs = await tx.objectStore('runs').getAll();
      const same = runs.find((r) => r.origin?.fingerprint === file.origin.fingerprint);
      if (same) {
        const name = same.name;
        throw new ImportError(() =>
          msg(
            str`This PyTorch run is already in the library, as “${name}”, so it was not imported again.`,
          ),
        );
      }
      const source = simulatedSourceOf(file, runs);
      const base = source?.name ?? defaultRunName(file.config);
      run = {
        id: this.newId(),
        name: checkName(`${base.slice(0, MAX_NAME_LENGTH - 10)} · PyTorch`),
        config: file.config,
        status: file.status,
        createdAt: now,
        updatedAt: now,
        summary: file.summary,
        origin: file.origin,
      };
      await tx.objectStore('runs').add(run);
      if (file.train.length > 0 || file.eval.length > 0) {
        await tx
          .objectStore('metrics')
          .add({ runId: run.id, seq: 0, train: file.train, eval: file.eval });
      }
    });
    return run!;
  }

  /**
   * Runs left `running` by a page that went away become `interrupted`. Runs this tab trains, or
   * that another tab trains (it holds their Web Lock), are left alone. openRunStore calls this.
   */
  async markInterrupted(): Promise<RunRecord[]> {
    this.ensureOpen();
    const active = await this.locks.active();
    const running = IDBKeyRange.bound(['running', -Infinity], ['running', Infinity]);
    const marked = await this.markRunsNotIn(active, running);
    await this.watchOtherPagesRuns(active, running);
    return marked;
  }

  /**
   * A run another page holds the lock of is either trained there or was left by a page that is
   * going away (a reload: the old page's locks can outlive the new page's first look). Wait for
   * each such lock to be let go, then mark again, so a reloaded page does not show the run it left
   * as `running` forever; `onRunsChanged` tells the page to reload its list.
   */
  private async watchOtherPagesRuns(active: ReadonlySet<string>, running: IDBKeyRange) {
    const left = await readTransaction(this.db, ['runs'], async (tx) =>
      tx.objectStore('runs').index('status-updatedAt').getAllKeys(running),
    );
    for (const id of left) {
      if (!active.has(id) || this.locks.holds(id) || this.watching.has(id)) continue;
      const released = this.locks.whenReleased(id);
      if (!released) continue;
      this.watching.add(id);
      void released
        .then(async () => {
          this.watching.delete(id);
          if (this.closed) return;
          const changed = await this.markInterrupted();
          if (changed.length > 0) this.options.onRunsChanged?.();
        })
        .catch(() => {
          // The store closed meanwhile, or the lock manager went away with the page.
          this.watching.delete(id);
        });
    }
  }

  private async markRunsNotIn(
    active: ReadonlySet<string>,
    running: IDBKeyRange,
  ): Promise<RunRecord[]> {
    try {
      return await this.noting(
        writeTransaction(this.db, ['runs'], async (tx) => {
          const left = await tx.objectStore('runs').index('status-updatedAt').getAll(running);
          const changed: RunRecord[] = [];
          for (const run of left) {
            if (active.has(run.id)) continue;
            // How it ended, if a full disk kept that from being written (the journal); else
            // interrupted, keeping updatedAt: it tells when the run last made progress.
            const ended: RunRecord = this.unsaved.has(run.id)
              ? this.unsaved.apply(run)
              : { ...run, status: 'interrupted' };
            await tx.objectStore('runs').put(ended);
            changed.push(ended);
          }
          return changed;
        }),
      ).then((changed) => {
        for (const run of changed) this.unsaved.forget(run.id);
        return changed;
      });
    } catch (error) {
      // Opening must not depend on a write: with the disk full (or failing), the library still
      // lists, exports and deletes runs. The runs read as interrupted; written once there is room.
      if (error instanceof StoreClosedError) throw error;
      const left = await readTransaction(this.db, ['runs'], async (tx) =>
        tx.objectStore('runs').index('status-updatedAt').getAll(running),
      );
      const changed: RunRecord[] = [];
      for (const run of left) {
        if (active.has(run.id)) continue;
        if (!this.unsaved.has(run.id)) {
          this.unsaved.remember(run.id, { status: 'interrupted' }, run.updatedAt);
        }
        changed.push(this.unsaved.apply(run));
      }
      return changed;
    }
  }

  /** Write the statuses a full disk refused (after a delete made room). Best effort. */
  private async writeUnsaved(): Promise<void> {
    for (const [id] of this.unsaved.entries()) {
      try {
        await this.noting(
          writeTransaction(this.db, ['runs'], async (tx) => {
            const run = await tx.objectStore('runs').get(id);
            if (run) await tx.objectStore('runs').put(this.unsaved.apply(run));
          }),
        );
        this.unsaved.forget(id);
      } catch {
        return;
      }
    }
  }

  /** Track whether the disk is full: a refused write says so, a successful one says it is not. */
  private async noting<T>(write: Promise<T>): Promise<T> {
    try {
      const result = await write;
      this.fullBecause = null;
      return result;
    } catch (error) {
      const storeError: StoreError = toStoreError(error);
      if (storeError instanceof StoreQuotaError) this.fullBecause = storeError;
      throw storeError;
    }
  }

  storageEstimate(): Promise<StorageEstimate | null> {
    return estimateStorage(this.storage());
  }

  requestPersistence(): Promise<boolean | null> {
    return requestPersistence(this.storage());
  }

  /** Write what is buffered, then close. Rethrows a failed final write (after closing). */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flusher.flush();
    } finally {
      this.shutDown('The run library was closed.');
    }
  }

  /** @internal Another connection wants a newer schema: save what we can, let go, tell the app. */
  yieldToUpgrade(info: VersionInfo): void {
    this.flusher.flushIfIdle();
    this.shutDown(
      'Another syncbn-lab tab upgraded the run library, so this page stopped saving. Reload it.',
    );
    this.options.onVersionChange?.(info);
  }

  /** @internal */
  shutDown(reason: string): void {
    if (this.closed) return;
    this.closedBecause = reason;
    this.flusher.stop();
    this.locks.releaseAll();
    this.db.close();
  }

  /** Insert or replace one named experiment's session (see ExperimentRecord). */
  saveExperiment(record: ExperimentRecord): Promise<void> {
    this.ensureOpen();
    return putExperiment(this.db, record);
  }

  /** Saved experiment sessions, most recently updated first. */
  listExperiments(): Promise<ExperimentRecord[]> {
    this.ensureOpen();
    return listExperiments(this.db);
  }

  deleteExperiment(id: string): Promise<boolean> {
    this.ensureOpen();
    return deleteExperiment(this.db, id);
  }

  private storage(): StorageManagerLike | null {
    return this.options.storage === undefined ? defaultStorage() : this.options.storage;
  }

  private ensureOpen(): void {
    if (this.closedBecause !== null) throw new StoreClosedError(this.closedBecause);
  }
}
