import { type LabDatabase, runKeyRange } from './db-schema.ts';
import type { PendingMetrics } from './metrics-buffer.ts';
import type { LoadedCurves, LoadedMetrics, RunSummary } from './records.ts';
import { appendRows, completeTelemetry, concatTelemetry } from './series.ts';
import { type AllStoresTx, readTransaction } from './transaction.ts';

async function nextSeq(
  tx: AllStoresTx,
  store: 'metrics' | 'telemetry',
  runId: string,
): Promise<number> {
  const last = await tx.objectStore(store).openKeyCursor(runKeyRange(runId), 'prev');
  return last ? last.primaryKey[1] + 1 : 0;
}

/** The summary as the newest rows leave it (the status is the caller's business). */
export function summaryAfter(summary: RunSummary, pending: PendingMetrics): RunSummary {
  const train = pending.train[pending.train.length - 1];
  const evaluation = pending.eval[pending.eval.length - 1];
  return {
    ...summary,
    ...(train ? { stepsDone: train.step, lastLoss: train.loss } : {}),
    ...(evaluation ? { testAcc: evaluation.acc, testLoss: evaluation.loss } : {}),
  };
}

/**
 * Write one run's pending rows as one chunk per store and bring its summary up to date. Rows of a
 * run deleted meanwhile are dropped (returns false).
 */
export async function writeChunks(
  tx: AllStoresTx,
  runId: string,
  pending: PendingMetrics,
  now: number,
): Promise<boolean> {
  const runs = tx.objectStore('runs');
  const run = await runs.get(runId);
  if (!run) return false;
  if (pending.train.length > 0 || pending.eval.length > 0) {
    const seq = await nextSeq(tx, 'metrics', runId);
    await tx.objectStore('metrics').put({ runId, seq, train: pending.train, eval: pending.eval });
  }
  if (pending.telemetry) {
    const seq = await nextSeq(tx, 'telemetry', runId);
    await tx.objectStore('telemetry').put({ runId, seq, telemetry: pending.telemetry });
  }
  await runs.put({ ...run, updatedAt: now, summary: summaryAfter(run.summary, pending) });
  return true;
}

/** Every saved chunk of a run in order, then the rows still waiting in memory. */
export async function loadMetrics(
  db: LabDatabase,
  runId: string,
  pending: PendingMetrics | undefined,
): Promise<LoadedMetrics> {
  const [chunks, telemetryChunks] = await readTransaction(
    db,
    ['metrics', 'telemetry'],
    async (tx) =>
      Promise.all([
        tx.objectStore('metrics').getAll(runKeyRange(runId)),
        tx.objectStore('telemetry').getAll(runKeyRange(runId)),
      ]),
  );
  // Chunks saved before a column existed are completed to today's shape first.
  const pieces = telemetryChunks.map((c) => completeTelemetry(c.telemetry));
  if (pending?.telemetry) pieces.push(pending.telemetry);
  // New arrays throughout: a pending piece belongs to the buffer and must not change.
  return { ...joinRows(chunks, pending), telemetry: concatTelemetry(pieces) };
}

/**
 * Only the train and eval rows (saved, then waiting in memory): what curves need. Reading the
 * telemetry too (thousands of steps of nested per-device arrays) cost a long run's comparison
 * half a second of the page's time.
 */
export async function loadCurves(
  db: LabDatabase,
  runId: string,
  pending: PendingMetrics | undefined,
): Promise<LoadedCurves> {
  const chunks = await readTransaction(db, ['metrics'], async (tx) =>
    tx.objectStore('metrics').getAll(runKeyRange(runId)),
  );
  return joinRows(chunks, pending);
}

function joinRows(
  chunks: readonly {
    readonly train: LoadedMetrics['train'];
    readonly eval: LoadedMetrics['eval'];
  }[],
  pending: PendingMetrics | undefined,
): LoadedCurves {
  const train: LoadedMetrics['train'] = [];
  const evaluation: LoadedMetrics['eval'] = [];
  for (const chunk of chunks) {
    appendRows(train, chunk.train);
    appendRows(evaluation, chunk.eval);
  }
  if (pending) {
    appendRows(train, pending.train);
    appendRows(evaluation, pending.eval);
  }
  return { train, eval: evaluation };
}
