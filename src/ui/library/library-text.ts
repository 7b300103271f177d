import type { RunSortKey, StorageEstimate } from '../../store/index.ts';
import { formatBytes } from '../model/format.ts';
import type { LibraryState } from './store-controller.ts';

/** The line above the saved runs: where they are kept, how much room they take, how safe they are. */
export function storageText(
  state: LibraryState,
  estimate: StorageEstimate | null,
  persisted: boolean | null,
): string {
  if (state === 'unavailable') return 'Runs cannot be saved in this browser.';
  if (state === 'closed') return 'The library is closed in this tab.';
  const e = estimate;
  const used = e
    ? `Storage used: ${formatBytes(e.usage)} of ${formatBytes(e.quota)} available to this site.`
    : '';
  const kept =
    persisted === true
      ? ' The browser keeps it even when space runs low.'
      : persisted === false
        ? ' The browser may clear it when space runs low: export runs you want to keep.'
        : '';
  return `${used}${kept}`.trim() || 'Runs are saved in this browser.';
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
