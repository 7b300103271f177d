/**
 * JSON has no NaN, ±Infinity or −0 (JSON.stringify turns them into null or 0), yet a diverging
 * run produces them. Exports spell them as these strings so that a file round-trips exactly.
 */
export const NUMBER_TOKENS = ['NaN', 'Infinity', '-Infinity', '-0'] as const;
export type NumberToken = (typeof NUMBER_TOKENS)[number];
export type JsonNumber = number | NumberToken;

/** T with every number allowed to be a token. */
export type Encoded<T> = T extends number
  ? JsonNumber
  : T extends readonly (infer U)[]
    ? Encoded<U>[]
    : T extends object
      ? { [K in keyof T]: Encoded<T[K]> }
      : T;

export function encodeNumber(v: number): JsonNumber {
  if (Object.is(v, -0)) return '-0';
  return Number.isFinite(v) ? v : (String(v) as NumberToken);
}

export function decodeNumber(v: JsonNumber): number {
  return v === '-0' ? -0 : Number(v);
}

/** Deep copy of plain data (arrays and objects) with every number encoded. */
export function encodeNumbers<T>(value: T): Encoded<T> {
  return walk(value) as Encoded<T>;
}

function walk(value: unknown): unknown {
  if (typeof value === 'number') return encodeNumber(value);
  if (Array.isArray(value)) return value.map(walk);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = walk(v);
    return out;
  }
  return value;
}
