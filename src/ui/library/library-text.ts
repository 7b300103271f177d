import { msg, str } from '@lit/localize';
import type { RunSortKey, RunStatus, StorageEstimate } from '../../store/index.ts';
import { currentLocale } from '../i18n/localization.ts';
import type { LibraryState } from './store-controller.ts';

/**
 * A byte count in the page's language ("2.0 kB", "1.2 GB"; units stay as they are): the same
 * steps as formatBytes, with the number written by Intl.
 */
export function localBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  const digits = u === 0 ? 0 : v < 10 ? 1 : 0;
  const number = new Intl.NumberFormat(currentLocale(), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: false,
  }).format(v);
  return `${number} ${units[u]}`;
}

/** The line above the saved runs: where they are kept, how much room they take, how safe they are. */
export function storageText(
  state: LibraryState,
  estimate: StorageEstimate | null,
  persisted: boolean | null,
): string {
  if (state === 'unavailable') return msg('Runs cannot be saved in this browser.');
  if (state === 'closed') return msg('The library is closed in this tab.');
  const e = estimate;
  const used = e
    ? msg(
        str`Storage used: ${localBytes(e.usage)} of ${localBytes(e.quota)} available to this site.`,
      )
    : '';
  const kept =
    persisted === true
      ? msg('The browser keeps it even when space runs low.')
      : persisted === false
        ? msg('The browser may clear it when space runs low: export runs you want to keep.')
        : '';
  // Chinese sentences follow one another without a space; English ones with one.
  const between = currentLocale().startsWith('zh') ? '' : ' ';
  return [used, kept].filter(Boolean).join(between) || msg('Runs are saved in this browser.');
}

/** A run's status as the table shows it (the stored value stays the English word). */
export function statusLabel(status: RunStatus | 'training'): string {
  switch (status) {
    case 'running':
      return msg('running');
    case 'completed':
      return msg('completed');
    case 'stopped':
      return msg('stopped');
    case 'failed':
      return msg('failed');
    case 'interrupted':
      return msg('interrupted');
    case 'training':
      return msg('training');
  }
}

/** When a run was saved last, in the page's language ("Nov 29, 2026, 2:05 PM", "2026年11月29日 14:05"). */
export function formatSavedAt(time: number): string {
  return new Intl.DateTimeFormat(currentLocale(), {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(time);
}

export interface SortOrder {
  readonly sortBy: RunSortKey;
  readonly order: 'asc' | 'desc';
}

/** A click on a column header: the same column flips its order, another starts A→Z or newest first. */
export function nextSort(now: SortOrder, key: RunSortKey): SortOrder {
  if (now.sortBy === key) return { sortBy: key, order: now.order === 'asc' ? 'desc' : 'asc' };
  return { sortBy: key, order: key === 'name' ? 'asc' : 'desc' };
}
