import { EXPERIMENTS } from '../../experiments/index.ts';
import type { Check, ExperimentName, ExperimentResult } from '../../experiments/kit/types.ts';
import type { ExperimentRecord } from '../../store/experiments.ts';
import type { RunStatus } from '../../store/records.ts';

/** A new session's record, before its first unit finished. */
export function newExperimentRecord(
  id: string,
  name: ExperimentName,
  quick: boolean,
  now: number,
): ExperimentRecord {
  return {
    id,
    name,
    quick,
    status: 'running',
    createdAt: now,
    updatedAt: now,
    seeds: [],
    rows: [],
    finding: { checks: [] },
    elapsedMs: 0,
    complete: false,
  };
}

/** The record after a (partial or final) result from runPlan. */
export function withResult(
  record: ExperimentRecord,
  result: ExperimentResult,
  status: RunStatus,
  now: number,
): ExperimentRecord {
  return {
    ...record,
    status,
    updatedAt: now,
    seeds: [...result.seeds],
    rows: [...result.rows],
    finding: result.finding,
    elapsedMs: result.elapsedMs,
    complete: result.complete,
  };
}

/** What runPlan and the figure need from a stored record. */
export function resultOf(record: ExperimentRecord): ExperimentResult {
  return {
    name: record.name,
    quick: record.quick,
    seeds: [...record.seeds],
    rows: [...record.rows],
    finding: record.finding,
    elapsedMs: record.elapsedMs,
    complete: record.complete,
  };
}

/** A record still `running` that this page is not computing was left by a page that went away. */
export function shownStatus(record: ExperimentRecord, activeId: string | null): RunStatus {
  return record.status === 'running' && record.id !== activeId ? 'interrupted' : record.status;
}

/**
 * The checks to show for a record, in the page's language: recomputed from its rows at render
 * time (the verdicts are the same computation; the sentences are today's wording, in the locale
 * shown, so switching language rewrites them). The stored checks (in English, as saved) are the
 * fallback for a record without rows or whose rows no longer compute.
 */
export function shownChecks(record: ExperimentRecord): readonly Check[] {
  const stored = record.finding.checks;
  if (record.rows.length === 0) return stored;
  try {
    return EXPERIMENTS[record.name].finding(record.rows).checks;
  } catch {
    return stored;
  }
}
