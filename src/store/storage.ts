/** The part of navigator.storage used here. */
export interface StorageManagerLike {
  estimate?(): Promise<{ usage?: number; quota?: number }>;
  persist?(): Promise<boolean>;
}

export interface StorageEstimate {
  /** Bytes this site uses, and may use, as the browser reports them (rough by design). */
  readonly usage: number;
  readonly quota: number;
}

export function defaultStorage(): StorageManagerLike | null {
  return globalThis.navigator?.storage ?? null;
}

export async function estimateStorage(
  storage: StorageManagerLike | null,
): Promise<StorageEstimate | null> {
  if (!storage?.estimate) return null;
  const { usage, quota } = await storage.estimate();
  return usage === undefined || quota === undefined ? null : { usage, quota };
}

/** Ask the browser not to evict the library under storage pressure; null when it cannot say. */
export async function requestPersistence(
  storage: StorageManagerLike | null,
): Promise<boolean | null> {
  if (!storage?.persist) return null;
  return storage.persist();
}
