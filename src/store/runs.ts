import { msg, str } from '@lit/localize';
import type { RunConfig } from '../config/schema.ts';
import { StoreError } from './errors.ts';
import type { RunRecord, RunStatus, RunSummary } from './records.ts';

export type RunSortKey = 'updatedAt' | 'createdAt' | 'name' | 'testAcc';

export interface RunQuery {
  /** Default: updatedAt, newest first. */
  readonly sortBy?: RunSortKey;
  /** Default: desc for dates and testAcc, asc for name. */
  readonly order?: 'asc' | 'desc';
  readonly filter?: {
    readonly status?: RunStatus | readonly RunStatus[];
    /** Every word must appear in the name, dataset, model preset, norm or bnSync (any case). */
    readonly text?: string;
  };
}

export interface RunPatch {
  readonly name?: string;
  readonly status?: RunStatus;
  /** Merged into the current summary. */
  readonly summary?: Partial<RunSummary>;
}

export const MAX_NAME_LENGTH = 200;

/** E.g. "spiral · mlp · batch (sync) · 4 devices". */
export function defaultRunName(config: RunConfig): string {
  const devices = `${config.devices} device${config.devices === 1 ? '' : 's'}`;
  const norm = config.model.norm === 'none' ? 'no norm' : `${config.model.norm} (${config.bnSync})`;
  return `${config.dataset.name} · ${config.model.preset} · ${norm} · ${devices}`;
}

/** crypto.randomUUID exists only in secure contexts; a page opened over plain http has not. */
export function newRunId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new StoreError(() => msg('A run needs a name that is not empty.'));
  if (trimmed.length > MAX_NAME_LENGTH) {
    throw new StoreError(() =>
      msg(str`A run's name can have at most ${MAX_NAME_LENGTH} characters.`),
    );
  }
  return trimmed;
}

export function newRunRecord(
  id: string,
  config: RunConfig,
  name: string | undefined,
  now: number,
): RunRecord {
  return {
    id,
    name: checkName(name ?? defaultRunName(config)),
    config,
    status: 'running',
    createdAt: now,
    updatedAt: now,
    summary: { stepsDone: 0, steps: config.steps, lastLoss: null, testAcc: null, testLoss: null },
  };
}

export function patchRun(run: RunRecord, patch: RunPatch, now: number): RunRecord {
  return {
    ...run,
    ...(patch.name === undefined ? {} : { name: checkName(patch.name) }),
    ...(patch.status === undefined ? {} : { status: patch.status }),
    summary: patch.summary ? { ...run.summary, ...patch.summary } : run.summary,
    updatedAt: now,
  };
}

function searchText(run: RunRecord): string {
  const c = run.config;
  return [run.name, c.dataset.name, c.model.preset, c.model.norm, c.bnSync].join(' ').toLowerCase();
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compare(a: RunRecord, b: RunRecord, key: RunSortKey): number {
  switch (key) {
    case 'name':
      return collator.compare(a.name, b.name);
    case 'testAcc':
      return (a.summary.testAcc ?? 0) - (b.summary.testAcc ?? 0);
    default:
      return a[key] - b[key];
  }
}

/** Runs without a test accuracy yet sort after those with one, whichever the order. */
export function selectRuns(runs: readonly RunRecord[], query: RunQuery = {}): RunRecord[] {
  const sortBy = query.sortBy ?? 'updatedAt';
  const sign = (query.order ?? (sortBy === 'name' ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
  const statuses = query.filter?.status;
  const allowed =
    statuses === undefined
      ? null
      : new Set<RunStatus>(typeof statuses === 'string' ? [statuses] : statuses);
  const words = (query.filter?.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return runs
    .filter((run) => !allowed || allowed.has(run.status))
    .filter((run) => {
      const text = searchText(run);
      return words.every((w) => text.includes(w));
    })
    .sort((a, b) => {
      if (sortBy === 'testAcc') {
        const missing = Number(a.summary.testAcc === null) - Number(b.summary.testAcc === null);
        if (missing !== 0) return missing;
      }
      return (
        sign * compare(a, b, sortBy) || b.createdAt - a.createdAt || collator.compare(a.id, b.id)
      );
    });
}
