import { msg, str } from '@lit/localize';
import type { RunSortKey, StorageEstimate } from '../../store/index.ts';
import { currentLocale } from '../i18n/localization.ts';
import { formatBytes } from '../model/format.ts';
import type { LibraryState } from './store-controller.ts';

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
        str`Storage used: ${formatBytes(e.usage)} of ${formatBytes(e.quota)} available to this site.`,
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
