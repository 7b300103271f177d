/**
 * The defaults that depend on other fields, written once: parseConfig fills them in, the
 * cross-field rules check the values they give, and turning a resolved config back into input
 * leaves out the values they would give again. (Plain defaults live in the schema.)
 */

/** The per-device batch when neither batch key is given. */
export const DEFAULT_PER_DEVICE_BATCH = 32;
/** PreciseBN's sample count when not given (or the training set, when smaller). */
export const DEFAULT_PRECISE_SAMPLES = 1024;

/** The batch keys as a config gives them (at most one of the two). */
export interface GivenBatch {
  readonly perDeviceBatch?: number | undefined;
  readonly globalBatch?: number | undefined;
  readonly devices: number;
}

/** The batch a config resolves to: perDeviceBatch null when it is given as globalBatch. */
export interface ResolvedBatch {
  readonly perDeviceBatch: number | null;
  readonly globalBatch: number;
}

export function resolveBatch(c: GivenBatch): ResolvedBatch {
  const perDeviceBatch =
    c.globalBatch === undefined ? (c.perDeviceBatch ?? DEFAULT_PER_DEVICE_BATCH) : null;
  const globalBatch = c.globalBatch ?? (perDeviceBatch ?? DEFAULT_PER_DEVICE_BATCH) * c.devices;
  return { perDeviceBatch, globalBatch };
}

/** Batch evaluation's batch when not given: the per-device batch (or its even share). */
export function defaultEvalBatch(batch: ResolvedBatch, devices: number): number {
  return batch.perDeviceBatch ?? Math.max(1, Math.floor(batch.globalBatch / devices));
}

export function defaultPreciseSamples(train: number): number {
  return Math.min(DEFAULT_PRECISE_SAMPLES, train);
}

/** "sync" when statistics are synchronized, "rank0" (DDP's broadcast_buffers) for local. */
export function defaultRunningStats(bnSync: string): 'rank0' | 'sync' {
  return bnSync === 'local' ? 'rank0' : 'sync';
}
