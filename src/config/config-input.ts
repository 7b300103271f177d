import type { ConfigObject } from './config-object.ts';
import {
  defaultEvalBatch,
  defaultPreciseSamples,
  defaultRunningStats,
} from './derived-defaults.ts';
import type { RunConfig, RunConfigInput } from './schema.ts';

/**
 * The input form of a resolved config: parseConfig(toConfigInput(c)) equals c. A resolved config
 * is not itself valid input (it carries both batch sizes, and null for "not given"), so exports
 * store this form, which `npm run sim` also accepts. Its key order is part of exported files and
 * stored fingerprints: keep it.
 */
export function toConfigInput(config: RunConfig): RunConfigInput {
  const { perDeviceBatch, globalBatch, workers, ...rest } = config;
  return {
    ...rest,
    ...(perDeviceBatch === null ? { globalBatch } : { perDeviceBatch }),
    ...(workers === null ? {} : { workers }),
  };
}

/**
 * The input form of a resolved config, also leaving out what parseConfig derives from other
 * fields where it has the derived value (so that changing, say, bnSync in the form still moves
 * runningStats with it). parseConfig of it equals `config` too.
 */
export function toEditableInput(config: RunConfig): ConfigObject {
  const out: ConfigObject = { ...toConfigInput(config) };
  if (config.evalBatch === defaultEvalBatch(config, config.devices)) delete out.evalBatch;
  if (config.preciseSamples === defaultPreciseSamples(config.dataset.train))
    delete out.preciseSamples;
  if (config.runningStats === defaultRunningStats(config.bnSync)) delete out.runningStats;
  return out;
}
