/**
 * JSON for people and programs alike: nested structure indented, but every array of numbers and
 * every object of plain values (a metrics row) on one line, so 1000 steps stay 1000 lines. Typed
 * arrays are written as arrays; non-finite numbers as null (as JSON.stringify does).
 */
export function toReadableJson(value: unknown, indent = '  '): string {
  return write(normalize(value), '', indent);
}

/** The same layout for a value that sits at `pad` inside a larger document (written piece by piece). */
export function toReadableJsonAt(value: unknown, pad: string, indent = '  '): string {
  return write(normalize(value), pad, indent);
}

function normalize(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>);
  }
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    const toJSON = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof toJSON === 'function') return normalize(toJSON.call(value));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined && typeof v !== 'function') out[k] = normalize(v);
    }
    return out;
  }
  return value;
}

function isFlat(value: unknown): boolean {
  const entries = Array.isArray(value)
    ? value
    : value !== null && typeof value === 'object'
      ? Object.values(value)
      : null;
  return entries?.every((v) => v === null || typeof v !== 'object') ?? false;
}

function write(value: unknown, pad: string, indent: string): string {
  if (value === null || typeof value !== 'object' || isFlat(value)) return oneLine(value);
  const inner = pad + indent;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + write(v, inner, indent)).join(',\n')}\n${pad}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const body = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, inner, indent)}`);
  return `{\n${body.join(',\n')}\n${pad}}`;
}

function oneLine(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`);
    return parts.length ? `{ ${parts.join(', ')} }` : '{}';
  }
  return JSON.stringify(value) ?? 'null';
}
