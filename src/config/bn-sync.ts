/**
 * What a `bnSync` value says, read in one place: "local", "sync" or "group:g" (consecutive groups
 * of g devices). The schema validates it; the rules, the device spans, the form and the study's
 * labels read the group size from it.
 */

/** The schema's (and every reader's) words for a bnSync value that is none of these. */
export const BN_SYNC_EXPECTED = 'expected "local", "sync" or "group:<g>" with g ≥ 1';

const GROUP = /^group:(\d+)$/;

/** g of "group:g" as written (the form and labels show it so), else null. */
export function bnSyncGroupText(bnSync: unknown): string | null {
  const m = typeof bnSync === 'string' ? GROUP.exec(bnSync) : null;
  return m ? m[1]! : null;
}

/** g of "group:g", else null (also for "local" and "sync"). */
export function bnSyncGroup(bnSync: unknown): number | null {
  const g = bnSyncGroupText(bnSync);
  return g === null ? null : Number(g);
}
