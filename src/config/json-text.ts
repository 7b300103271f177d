import { errorMessage } from '../core/error-message.ts';
import { InputError } from './problems.ts';

/**
 * JSON.parse with an error that says where: "<source>:<line>:<column>: invalid JSON: <what>".
 * Engines word (and sometimes omit) the position differently, so the position comes from a small
 * scanner of our own; JSON.parse still does the parsing. A leading byte-order mark is accepted.
 */
export function parseJsonText(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const deep = tooDeep(body, MAX_JSON_DEPTH);
  if (deep !== null) {
    const { line, column } = lineColumn(body, deep);
    throw new InputError(
      `${source}:${line}:${column}: JSON nested more than ${MAX_JSON_DEPTH} levels deep here (a run config nests at most 4)`,
    );
  }
  try {
    return JSON.parse(body);
  } catch (err) {
    const found = locateJsonError(body);
    const offset = found?.offset ?? body.length;
    const what = found?.message ?? errorMessage(err);
    const { line, column } = lineColumn(body, offset);
    throw new InputError(`${source}:${line}:${column}: invalid JSON: ${what}`);
  }
}

/**
 * Deeper than any config needs; much deeper nesting would overflow the stack of whatever walks it
 * (this file's scanner, a validator), and a position says more than "Maximum call stack size".
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The offset of the first '[' or '{' that opens nesting level `max` + 1, or null. Iterative, and
 * strings are skipped, so brackets inside them do not count; the text need not be valid JSON.
 */
export function tooDeep(text: string, max: number): number | null {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string, escapes included; an unterminated one ends the scan.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) {
      depth = Math.max(0, depth - 1);
    }
  }
  return null;
}

export interface JsonErrorLocation {
  /** UTF-16 offset of the first character that cannot be part of valid JSON. */
  readonly offset: number;
  readonly message: string;
}

/** The first syntax error in `text`, or null when it is valid JSON. */
export function locateJsonError(text: string): JsonErrorLocation | null {
  try {
    new JsonScanner(text).document();
    return null;
  } catch (err) {
    if (err instanceof JsonSyntax) return { offset: err.offset, message: err.message };
    throw err;
  }
}

/** 1-based line and column (in characters) of `offset`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class JsonSyntax extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

class JsonScanner {
  private i = 0;

  constructor(private readonly s: string) {}

  document(): void {
    this.value();
    this.space();
    if (this.i < this.s.length)
      this.fail(`unexpected ${this.describe()} after the end of the JSON value`);
  }

  private value(): void {
    this.space();
    const c = this.s[this.i];
    if (c === '{') this.object();
    else if (c === '[') this.array();
    else if (c === '"') this.string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.number();
    else this.literal();
  }

  private literal(): void {
    for (const word of ['true', 'false', 'null']) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    this.fail(`expected a value, found ${this.describe()}`);
  }

  private object(): void {
    if (this.opensEmpty('}')) return;
    for (;;) {
      this.space();
      if (this.s[this.i] !== '"') {
        const trailing = this.s[this.i] === '}';
        this.fail(
          trailing
            ? "trailing comma before '}'"
            : `expected a property name in double quotes, found ${this.describe()}`,
        );
      }
      this.string();
      this.space();
      if (this.s[this.i] !== ':')
        this.fail(`expected ':' after the property name, found ${this.describe()}`);
      this.i++;
      this.value();
      if (this.closesAfter('}', 'property value')) return;
    }
  }

  private array(): void {
    if (this.opensEmpty(']')) return;
    for (;;) {
      this.space();
      if (this.s[this.i] === ']') this.fail("trailing comma before ']'");
      this.value();
      if (this.closesAfter(']', 'array element')) return;
    }
  }

  /** Past an object's or array's opening bracket: true if `close` follows at once (consumed). */
  private opensEmpty(close: '}' | ']'): boolean {
    this.i++;
    this.space();
    if (this.s[this.i] !== close) return false;
    this.i++;
    return true;
  }

  /** After an item: true at `close` (the object or array ends), false after a comma. */
  private closesAfter(close: '}' | ']', item: string): boolean {
    this.space();
    const c = this.s[this.i];
    if (c === ',' || c === close) {
      this.i++;
      return c === close;
    }
    this.fail(`expected ',' or '${close}' after the ${item}, found ${this.describe()}`);
  }

  private string(): void {
    this.i++;
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated string');
      const code = this.s.charCodeAt(this.i);
      if (code === 0x22) {
        this.i++;
        return;
      }
      if (code < 0x20)
        this.fail('control character in a string (write it as an escape such as \\n)');
      if (code === 0x5c) {
        const e = this.s[this.i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) {
            this.fail('invalid \\u escape (needs 4 hex digits)');
          }
          this.i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail(`invalid escape \\${e ?? ''}`);
        this.i += 2;
        continue;
      }
      this.i++;
    }
  }

  private number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m || m[0] === '-') this.fail(`invalid number starting with ${this.describe()}`);
    this.i += m[0].length;
  }

  private space(): void {
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return;
      this.i++;
    }
  }

  private describe(): string {
    if (this.i >= this.s.length) return 'the end of the input';
    return JSON.stringify(this.s[this.i]);
  }

  private fail(message: string): never {
    throw new JsonSyntax(message, this.i);
  }
}
