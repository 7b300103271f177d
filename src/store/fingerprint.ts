import type { RunConfig } from '../config/schema.ts';
import { toConfigInput } from '../config/config-input.ts';
import type { RunExport } from './export-format.ts';

/**
 * What ties a checkpoint to the config it was trained with. A checkpoint is only a resumable
 * state of the run its config describes: an edited learning rate, device count or seed in the
 * file would resume "fine" to other numbers. Exports carry this fingerprint; an import whose
 * config or checkpoint no longer gives it was edited, and is refused.
 */
export interface FingerprintedParts {
  /** The run's config in input form (toConfigInput). */
  readonly config: unknown;
  readonly step: number;
  readonly params: string;
  readonly buffers: string;
  readonly optimizer: {
    readonly kind: string;
    readonly step: number;
    readonly buffers: Readonly<Record<string, string>>;
  };
}

export function checkpointFingerprint(parts: FingerprintedParts): string {
  return hash64(canonicalJson(parts));
}

/** JSON with object keys sorted, so the same values always give the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What identifies a file's content (canonical JSON, hashed): the same numbers give the same text. */
export function contentFingerprint(value: unknown): string {
  return hash64(canonicalJson(value));
}

/** A 64-bit non-cryptographic hash (two multiplicative 32-bit lanes), 16 hex digits. */
function hash64(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** The fingerprint of an export's checkpoint (its encoded arrays) under `config`. */
export function fingerprintOf(
  c: Omit<NonNullable<RunExport['checkpoint']>, 'fingerprint' | 'savedAt'>,
  config: RunConfig,
): string {
  const buffers: Record<string, string> = {};
  for (const [key, value] of Object.entries(c.optimizer.buffers)) buffers[key] = value.base64;
  return checkpointFingerprint({
    config: toConfigInput(config),
    step: c.step,
    params: c.params.base64,
    buffers: c.buffers.base64,
    optimizer: { kind: c.optimizer.kind, step: c.optimizer.step, buffers },
  });
}
