import { msg, str } from '@lit/localize';
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

/**
 * Fields whose schema is a union, for which the schema's own message says only "Invalid input".
 * Functions, so the words are those of the language shown when a problem is explained.
 */
const UNION_HINTS: Record<string, () => string> = {
  sharding: () => msg('expected "iid", "label-sorted" or {"dirichlet": <concentration > 0>}'),
  bnSync: bnSyncExpected,
};

/** BN_SYNC_EXPECTED (the schema's words, English in the CLI) in the reader's language. */
function bnSyncExpected(): string {
  return msg('expected "local", "sync" or "group:<g>" with g ≥ 1');
}

/*
 * Every sentence below goes through msg(): the app shows a problem in the page's language, the
 * CLI (Node, no locale loaded) gets the English source, word for word what it always printed.
 * The schema's own messages (Zod's, always English) are read by their pattern and said again in
 * the reader's language; one message per sentence, with values (keys, numbers) put in.
 */

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
  const message = line.slice(sep + 2);

  const unknown = /^Unrecognized keys?: (.*)$/.exec(message);
  if (unknown) {
    // Both groups are not optional: a match has them.
    const keys = [...unknown[1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    const allowed = OBJECT_KEYS[path];
    const parts = keys.map((k) => {
      const guess = allowed ? closestName(k, allowed) : null;
      const quoted = quoteValue(k);
      return guess ? msg(str`${quoted} (did you mean "${guess}"?)`) : quoted;
    });
    return `${rawPath}: ${unknownKeys(keys.length, parts.join(', '), path, allowed)}`;
  }

  const value = getPath(input, path);
  if (value === undefined && /received undefined$/.test(message)) {
    return `${rawPath}: ${missing(/expected (\w+)/.exec(message)?.[1])}`;
  }
  const hint = UNION_HINTS[path];
  const text = message === 'Invalid input' && hint ? hint() : schemaMessage(message);
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
    return `${rawPath}: ${withValue(text, quoteValue(value))}`;
  }
  if (Array.isArray(value) && /expected array/.test(message)) {
    const n = value.length;
    return `${rawPath}: ${n === 1 ? msg(str`${text} (got 1 item)`) : msg(str`${text} (got ${n} items)`)}`;
  }
  return `${rawPath}: ${text}`;
}

/** A problem followed by the value that was given. */
export function withValue(text: string, quoted: string): string {
  return msg(str`${text} (got ${quoted})`);
}

function unknownKeys(
  count: number,
  parts: string,
  path: string,
  allowed: readonly string[] | undefined,
): string {
  const one = count === 1;
  if (!allowed)
    return one
      ? msg(str`unknown key ${parts} in ${path}`)
      : msg(str`unknown keys ${parts} in ${path}`);
  const list = allowed.join(', ');
  if (path === '')
    return one
      ? msg(str`unknown key ${parts} in the top level; allowed: ${list}`)
      : msg(str`unknown keys ${parts} in the top level; allowed: ${list}`);
  return one
    ? msg(str`unknown key ${parts} in ${path}; allowed: ${list}`)
    : msg(str`unknown keys ${parts} in ${path}; allowed: ${list}`);
}

/** An absent required field, with the type the schema expected (Zod's name for it). */
function missing(expected: string | undefined): string {
  switch (expected) {
    case undefined:
      return msg('missing (required)');
    case 'object':
      return msg('missing (required, expected an object)');
    case 'array':
      return msg('missing (required, expected an array)');
    case 'string':
      return msg('missing (required, expected a string)');
    case 'number':
      return msg('missing (required, expected a number)');
    case 'int':
      return msg('missing (required, expected an int)');
    case 'boolean':
      return msg('missing (required, expected a boolean)');
    case 'tuple':
      return msg('missing (required, expected a tuple)');
    default:
      return msg(str`missing (required, expected ${article(expected)})`);
  }
}

/** A type as Zod names it in its messages ("boolean", "array"), in the reader's language. */
function typeName(type: string): string {
  switch (type) {
    case 'object':
      return msg('object', { id: 'zod-type-object' });
    case 'array':
      return msg('array', { id: 'zod-type-array' });
    case 'string':
      return msg('string', { id: 'zod-type-string' });
    case 'number':
      return msg('number', { id: 'zod-type-number' });
    case 'int':
      return msg('int', { id: 'zod-type-int' });
    case 'boolean':
      return msg('boolean', { id: 'zod-type-boolean' });
    case 'tuple':
      return msg('tuple', { id: 'zod-type-tuple' });
    case 'null':
      return msg('null', { id: 'zod-type-null' });
    default:
      return type;
  }
}

/**
 * One of the schema's messages in the reader's language: Zod's (matched by their pattern, for
 * the codes this schema produces) and the bnSync pattern's; any other message (a rule's, already
 * worded by describeRule) as it is.
 */
function schemaMessage(message: string): string {
  if (message === BN_SYNC_EXPECTED) return bnSyncExpected();
  if (message === 'Invalid input: expected int, received number')
    return msg('Invalid input: expected an integer');
  const type = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (type)
    return msg(str`Invalid input: expected ${typeName(type[1]!)}, received ${typeName(type[2]!)}`);
  const option = /^Invalid option: expected one of (.*)$/.exec(message);
  if (option) return msg(str`Invalid option: expected one of ${option[1]!}`);
  const single = /^Invalid input: expected (.*)$/.exec(message);
  if (single) return msg(str`Invalid input: expected ${single[1]!}`);
  const items = /^Too (small|big): expected array to have (>=|>|<=|<)(\S+) items$/.exec(message);
  if (items) {
    const n = items[3]!;
    switch (items[2]) {
      case '>=':
        return msg(str`Too small: expected array to have >=${n} items`);
      case '>':
        return msg(str`Too small: expected array to have >${n} items`);
      case '<=':
        return msg(str`Too big: expected array to have <=${n} items`);
      default:
        return msg(str`Too big: expected array to have <${n} items`);
    }
  }
  const bound = /^Too (small|big): expected (\w+) to be (>=|>|<=|<)(\S+)$/.exec(message);
  if (bound) {
    const what = typeName(bound[2]!);
    const n = bound[4]!;
    switch (bound[3]) {
      case '>=':
        return msg(str`Too small: expected ${what} to be >=${n}`);
      case '>':
        return msg(str`Too small: expected ${what} to be >${n}`);
      case '<=':
        return msg(str`Too big: expected ${what} to be <=${n}`);
      default:
        return msg(str`Too big: expected ${what} to be <${n}`);
    }
  }
  return message;
}

/** Longest stretch of a value an error line quotes (a line is read, not a dump of the input). */
export const MAX_QUOTED = 100;

/** A value as JSON, cut to MAX_QUOTED characters with its full length said. */
export function quoteValue(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  if (json.length <= MAX_QUOTED) return json;
  const cut = json.slice(0, MAX_QUOTED);
  return typeof value === 'string'
    ? msg(str`${cut}… (${value.length.toLocaleString('en-US')} characters)`)
    : msg(str`${cut}… (${json.length.toLocaleString('en-US')} characters as JSON)`);
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}
