import type { Migration } from './migration.ts';

interface V4RunRecord {
  config: Record<string, unknown>;
}

/**
 * v5: runs saved before `gradientAveraging` existed were trained with the gradient of the global
 * batch's mean loss. The key's default is now "ddp" (PyTorch DDP's per-device averaging), which
 * gives other numbers when shards are unequal; so that such a run resumes to the numbers it was
 * started with, its config states "global".
 */
export const v5GradientAveraging: Migration = {
  version: 5,
  description: 'runs saved before gradientAveraging keep the global averaging they trained with',
  async migrate(_db, tx) {
    const runs = tx.objectStore('runs');
    let cursor = await runs.openCursor();
    while (cursor) {
      const run = cursor.value as V4RunRecord;
      if (!('gradientAveraging' in run.config)) {
        await cursor.update({ ...run, config: { ...run.config, gradientAveraging: 'global' } });
      }
      cursor = await cursor.continue();
    }
  },
};
