import type { RunConfig } from '../../config/schema.ts';
import { type ConfigObject, isPlainObject } from '../../config/config-object.ts';

export interface ConfigDifference {
  /** Dotted path, e.g. "model.normOptions.momentum". */
  readonly path: string;
  /** One display value per config, in the order given ("–" where a config has no such field). */
  readonly values: readonly string[];
}

const show = (v: unknown): string =>
  v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v);

/**
 * Only the fields whose values differ between the configs (resolved configs: what really ran).
 * Objects are compared key by key only where every config has an object there; a field that is
 * a string in one config and an object in another (sharding: "iid" vs {dirichlet}) is one row.
 */
export function diffConfigs(configs: readonly RunConfig[]): ConfigDifference[] {
  const out: ConfigDifference[] = [];
  walk(configs as unknown as readonly ConfigObject[], '', out);
  return out;
}

function walk(values: readonly unknown[], path: string, out: ConfigDifference[]): void {
  if (values.every(isPlainObject)) {
    const keys: string[] = [];
    for (const v of values as ConfigObject[])
      for (const k of Object.keys(v)) if (!keys.includes(k)) keys.push(k);
    for (const k of keys)
      walk(
        (values as ConfigObject[]).map((v) => v[k]),
        path ? `${path}.${k}` : k,
        out,
      );
    return;
  }
  const shown = values.map(show);
  if (new Set(shown).size > 1) out.push({ path, values: shown });
}
