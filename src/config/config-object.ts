/**
 * A config as plain data (before validation, or a resolved one seen as data): reading and setting
 * a value at a dotted path, laying one config over another, and what one has that another lacks.
 * The one copy the CLI's messages, the store's import checks and the app's form and link use.
 */

/** A run config as plain data (before validation): nested objects, arrays and scalars. */
export type ConfigObject = Record<string, unknown>;

/** An object with keys (not null, not an array): a section of a config. */
export function isPlainObject(v: unknown): v is ConfigObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The value at a dotted path ("model.normOptions.eps"; "" is `obj` itself; an array's items by
 * index, as zod's paths name them: "model.hidden.0"), or undefined where the path leads nowhere.
 */
export function getPath(obj: unknown, path: string): unknown {
  if (path === '') return obj;
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A copy of `obj` with `value` at `path` (undefined removes the key); parents are created. */
export function setPath(obj: ConfigObject, path: string, value: unknown): ConfigObject {
  const [head = '', ...rest] = path.split('.'); // split always gives at least one part
  const out: ConfigObject = { ...obj };
  if (rest.length === 0) {
    if (value === undefined) delete out[head];
    else out[head] = value;
    return out;
  }
  const child = isPlainObject(obj[head]) ? (obj[head] as ConfigObject) : {};
  out[head] = setPath(child, rest.join('.'), value);
  return out;
}

/** `over` laid onto `base`: objects merge key by key, anything else (arrays too) replaces. */
export function deepMerge(base: ConfigObject, over: ConfigObject): ConfigObject {
  const out: ConfigObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

/** The parts of `a` that differ from `b` (objects compared key by key, the rest as JSON). */
export function deepDiff(a: ConfigObject, b: ConfigObject): ConfigObject {
  const out: ConfigObject = {};
  for (const [key, value] of Object.entries(a)) {
    if (value === undefined) continue;
    const other = b[key];
    if (isPlainObject(value) && isPlainObject(other)) {
      const sub = deepDiff(value, other);
      if (Object.keys(sub).length > 0) out[key] = sub;
    } else if (JSON.stringify(value) !== JSON.stringify(other)) {
      out[key] = value;
    }
  }
  return out;
}
