import type { Page } from 'playwright-core';

/** A main-thread task of 50 ms or more (the Long Tasks API reports only those). */
export interface LongTask {
  readonly duration: number;
  /** When it started, ms since the page's time origin. */
  readonly start: number;
}

type Watched = { sblLongTasks?: LongTask[]; sblLongTaskObserver?: boolean };

/**
 * Start recording the page's long tasks, forgetting any recorded before (one observer per
 * page). Reported by the E2E tests, not asserted: `npm run bench:page` measures them.
 */
export async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as Watched;
    w.sblLongTasks = [];
    if (w.sblLongTaskObserver) return;
    w.sblLongTaskObserver = true;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        w.sblLongTasks?.push({ duration: e.duration, start: e.startTime });
      }
    }).observe({ type: 'longtask' });
  });
}

/** The long tasks recorded since watchLongTasks or the last take (taken: the next starts afresh). */
export function takeLongTasks(page: Page): Promise<LongTask[]> {
  return page.evaluate(() => (window as unknown as Watched).sblLongTasks?.splice(0) ?? []);
}

/** The longest long task while `action` runs (and 100 ms after), 0 when there was none. */
export async function longestTask(page: Page, action: () => Promise<unknown>): Promise<number> {
  await watchLongTasks(page);
  await action();
  await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
  return Math.max(0, ...(await takeLongTasks(page)).map((t) => t.duration));
}
