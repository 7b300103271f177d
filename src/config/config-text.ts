import {
  ConfigError,
  configSchema,
  datasetSchema,
  modelSchema,
  normOptionsSchema,
  optimizerSchema,
  parseConfig,
  type RunConfig,
  scheduleSchema,
  WHOLE_CONFIG,
} from './schema.ts';
import { BN_SYNC_EXPECTED } from './bn-sync.ts';
import { getPath } from './config-object.ts';
import { parseJsonText } from './json-text.ts';
import { closestName } from './problems.ts';

/**
 * A run config from the text of a JSON file: throws InputError for bad JSON, ConfigError for a
 * schema violation, with one line per problem that names the source, the field and what is
 * allowed. Pure, so the app can use it for configs it imports.
 */
export function configFromText(text: string, source: string): RunConfig {
  return configFromValue(parseJsonText(text, source), source);
}

export function configFromValue(input: unknown, source: string): RunConfig {
  try {
    return parseConfig(input);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const lines = err.message
      .split('\n')
      .map((line) => `${source}: ${explainProblem(line, input)}`);
    throw new ConfigError(lines.join('\n'));
  }
}

const OBJECT_KEYS: Record<string, readonly string[]> = {
  '': Object.keys(configSchema.shape),
  dataset: Object.keys(datasetSchema.shape),
  model: Object.keys(modelSchema.shape),
  'model.normOptions': Object.keys(normOptionsSchema.shape),
  optimizer: Object.keys(optimizerSchema.shape),
  schedule: Object.keys(scheduleSchema.shape),
  sharding: ['dirichlet'],
};

/** Fields whose schema is a union, for which the schema's own message says only "Invalid input". */
const UNION_HINTS: Record<string, string> = {
  sharding: 'expected "iid", "label-sorted" or {"dirichlet": <concentration > 0>}',
  bnSync: BN_SYNC_EXPECTED,
};

/**
 * Make one "path: message" line of parseConfig say what is allowed: list the allowed keys for an
 * unknown key (with the closest match), say "missing" for an absent required field, and show the
 * value that was given.
 */
export function explainProblem(line: string, input: unknown): string {
  const sep = line.indexOf(': ');
  if (sep < 0) return line;
  const rawPath = line.slice(0, sep);
  const path = rawPath === WHOLE_CONFIG ? '' : rawPath;
  let message = line.slice(sep + 2);

  const unknown = /^Unrecognized keys?: (.*)$/.exec(message);
  if (unknown) {
    // Both groups are not optional: a match has them.
    const keys = [...unknown[1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    const allowed = OBJECT_KEYS[path];
    const where = path === '' ? 'the top level' : path;
    const parts = keys.map((k) => {
      const guess = allowed ? closestName(k, allowed) : null;
      const quoted = quoteValue(k);
      return guess ? `${quoted} (did you mean "${guess}"?)` : quoted;
    });
    message = `unknown ${keys.length === 1 ? 'key' : 'keys'} ${parts.join(', ')} in ${where}`;
    if (allowed) message += `; allowed: ${allowed.join(', ')}`;
    return `${rawPath}: ${message}`;
  }

  const value = getPath(input, path);
  if (value === undefined && /received undefined$/.test(message)) {
    const expected = /expected (\w+)/.exec(message)?.[1];
    return `${rawPath}: missing (required${expected ? `, expected ${article(expected)}` : ''})`;
  }
  const hint = UNION_HINTS[path];
  if (message === 'Invalid input' && hint) message = hint;
  message = message.replace('expected int, received number', 'expected an integer');
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
    message += ` (got ${quoteValue(value)})`;
  } else if (Array.isArray(value) && /expected array/.test(message)) {
    message += ` (got ${value.length} ${value.length === 1 ? 'item' : 'items'})`;
  }
  return `${rawPath}: ${message}`;
}

/** Longest stretch of a value an error line quotes (a line is read, not a dump of the input). */
export const MAX_QUOTED = 100;

/** A value as JSON, cut to MAX_QUOTED characters with its full length said. */
export function quoteValue(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  if (json.length <= MAX_QUOTED) return json;
  const size =
    typeof value === 'string'
      ? `${value.length.toLocaleString('en-US')} characters`
      : `${json.length.toLocaleString('en-US')} characters as JSON`;
  return `${json.slice(0, MAX_QUOTED)}… (${size})`;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}
