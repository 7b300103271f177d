import { errorMessage } from '../core/error-message.ts';
/**
 * Turning any failure of a run into what a person reads: one line per problem, no stack trace,
 * and an exit code (2: the input is wrong and the run never started; 1: the run itself failed).
 * Pure (no Node APIs), so the app can show the same lines for a config it imports.
 */

/** The input could not be read at all: missing file, invalid JSON, a bad command-line option. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export const EXIT_RUNTIME = 1;
export const EXIT_BAD_INPUT = 2;

export interface Problems {
  readonly exitCode: typeof EXIT_RUNTIME | typeof EXIT_BAD_INPUT;
  readonly lines: string[];
}

/**
 * Errors that mean "the input is wrong". Matched by name as well as class, because an error that
 * crossed a worker boundary (structured clone) keeps its message but not its prototype; a worker
 * host that preserves `name` keeps the classification.
 */
const INPUT_ERROR_NAMES = new Set(['ConfigError', 'InputError']);

export function isInputError(err: unknown): boolean {
  return err instanceof Error && INPUT_ERROR_NAMES.has(err.name);
}

/** The lines and exit code for `err`; with `debug`, runtime failures keep their stack. */
export function describeError(err: unknown, options: { debug?: boolean } = {}): Problems {
  if (isInputError(err)) {
    return { exitCode: EXIT_BAD_INPUT, lines: messageLines(err) };
  }
  const lines = messageLines(err);
  if (options.debug && err instanceof Error && err.stack) {
    return { exitCode: EXIT_RUNTIME, lines: err.stack.split('\n') };
  }
  return { exitCode: EXIT_RUNTIME, lines: lines.map((l, i) => (i === 0 ? `run failed: ${l}` : l)) };
}

/** The non-empty lines of an error's message (never its stack). */
export function messageLines(err: unknown): string[] {
  const text = errorMessage(err);
  const lines = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim().length > 0);
  return lines.length > 0 ? lines : [err instanceof Error ? err.name : 'unknown error'];
}

/** "Did you mean …?" for a mistyped name: the closest candidate within edit distance 2, if any. */
export function closestName(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, substitution));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
