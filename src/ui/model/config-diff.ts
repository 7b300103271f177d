import type { RunConfig } from '../../config/schema.ts';
import { type ConfigObject, flattenConfig } from './config-object.ts';

export interface ConfigDifference {
  /** Dotted path, e.g. "model.normOptions.momentum". */
  readonly path: string;
  /** One display value per config, in the order given ("–" where a config has no such field). */
  readonly values: readonly string[];
}

const show = (v: unknown): string => (v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v));

/** Only the fields whose values differ between the configs (resolved configs: what really ran). */
export function diffConfigs(configs: readonly RunConfig[]): ConfigDifference[] {
  const flat = configs.map((c) => new Map(flattenConfig(c as unknown as ConfigObject)));
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const m of flat) {
    for (const p of m.keys()) {
      if (!seen.has(p)) {
        seen.add(p);
        paths.push(p);
      }
    }
  }
  const out: ConfigDifference[] = [];
  for (const path of paths) {
    const values = flat.map((m) => show(m.get(path)));
    if (new Set(values).size > 1) out.push({ path, values });
  }
  return out;
}
