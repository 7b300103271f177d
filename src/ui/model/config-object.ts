/** A run config as plain data (before validation): nested objects, arrays and scalars. */
export type ConfigObject = Record<string, unknown>;

export function isPlainObject(v: unknown): v is ConfigObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[key];
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
