import { msg, str } from '@lit/localize';
import { explainProblem, withValue } from '../../config/config-text.ts';
import { describeRule } from '../../config/rule-text.ts';
import { issueLine } from '../../config/schema.ts';
import type { FieldNamer, RuleProblem } from '../../config/rules.ts';
import type { z } from '../../config/zod.ts';
import { fieldByPath, fieldForPath } from './config-fields.ts';

/**
 * The schema's problems in the form's words: each at the field(s) it concerns, naming other
 * fields by their labels, never config keys or the schema's raw text ("Too small: expected
 * number to be >=1").
 */

/** Problems found in the form: by field path (shown next to the field) and for the whole config. */
export interface FormProblems {
  readonly byField: Readonly<Record<string, readonly string[]>>;
  readonly general: readonly string[];
}

type Issue = z.core.$ZodIssue;

/** A field as the form's text names it: its label in quotes. */
export const labelNamer: FieldNamer = (path) => `“${fieldByPath(path)?.label ?? path}”`;

const fmt = (n: unknown): string =>
  typeof n === 'number' || typeof n === 'bigint' ? Number(n).toLocaleString('en-US') : String(n);

/** A single field's problem (bounds, type, choice), worded for the field it is shown at. */
export function singleFieldMessage(issue: Issue): string | null {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'array')
        return issue.minimum === 1
          ? msg('enter at least 1 value')
          : msg(str`enter at least ${fmt(issue.minimum)} values`);
      return issue.inclusive
        ? msg(str`must be at least ${fmt(issue.minimum)}`)
        : msg(str`must be more than ${fmt(issue.minimum)}`);
    case 'too_big':
      if (issue.origin === 'array') return msg(str`enter at most ${fmt(issue.maximum)} values`);
      return issue.inclusive
        ? msg(str`must be at most ${fmt(issue.maximum)}`)
        : msg(str`must be less than ${fmt(issue.maximum)}`);
    case 'invalid_type':
      if (issue.expected === 'int') return msg('must be a whole number');
      if (issue.expected === 'number') return msg('must be a number');
      return null;
    case 'invalid_value':
      return msg(str`choose one of ${issue.values.map((v) => String(v)).join(', ')}`);
    default:
      return null;
  }
}

/** A rule problem as zod carries it (the schema puts the structured problem in `params`). */
export function ruleOf(issue: Issue): RuleProblem | null {
  if (issue.code !== 'custom') return null;
  const p = issue.params as { rule?: unknown; paths?: unknown; values?: unknown } | undefined;
  if (!p || typeof p.rule !== 'string' || !Array.isArray(p.paths)) return null;
  return {
    rule: p.rule as RuleProblem['rule'],
    paths: p.paths as string[],
    params: (p.values ?? {}) as RuleProblem['params'],
  };
}

/** Every schema issue placed at its field(s), in the form's words. */
export function formProblems(issues: readonly Issue[], input: unknown): FormProblems {
  const byField: Record<string, string[]> = {};
  const general: string[] = [];
  const at = (path: string, message: string): boolean => {
    const field = fieldForPath(path);
    if (!field) return false;
    const list = byField[field.path] ?? [];
    if (!list.includes(message)) list.push(message);
    byField[field.path] = list;
    return true;
  };
  for (const issue of issues) {
    const path = issue.path.join('.');
    const rule = ruleOf(issue);
    if (rule) {
      const message = describeRule(rule, labelNamer);
      const placed = rule.paths.map((p) => at(p, message)).some(Boolean);
      if (!placed) general.push(message);
      continue;
    }
    const message =
      (path ? singleFieldMessage(issue) : null) ??
      withoutRepeatedValue(explainProblem(issueLine(issue), input).replace(/^[^:]*: /, ''));
    if (!path || !at(path, message)) general.push(message);
  }
  return { byField, general };
}

/**
 * Some schema messages already name the value; explainProblem then adds "(got …)" a second time.
 * Read in the page's language: the words around the value are explainProblem's own (withValue).
 */
export function withoutRepeatedValue(message: string): string {
  const [before = '', after = ''] = withValue('\u0000', '\u0001').slice(1).split('\u0001');
  if (!message.endsWith(after)) return message;
  const start = message.lastIndexOf(before, message.length - after.length);
  if (start < 0) return message;
  const value = message.slice(start + before.length, message.length - after.length);
  if (/[()（）]/.test(value)) return message;
  const said = `${before.trimStart()}${value}${after}`;
  return message.slice(0, start).includes(said) ? message.slice(0, start) : message;
}
