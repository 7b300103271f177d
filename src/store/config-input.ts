import type { RunConfig, RunConfigInput } from '../config/schema.ts';

/**
 * The input form of a resolved config: parseConfig(toConfigInput(c)) equals c. A resolved config
 * is not itself valid input (it carries both batch sizes, and null for "not given"), so exports
 * store this form, which `npm run sim` also accepts.
 */
export function toConfigInput(config: RunConfig): RunConfigInput {
  const { perDeviceBatch, globalBatch, workers, ...rest } = config;
  return {
    ...rest,
    ...(perDeviceBatch === null ? { globalBatch } : { perDeviceBatch }),
    ...(workers === null ? {} : { workers }),
  };
}
