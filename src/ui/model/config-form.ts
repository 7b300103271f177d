import { msg, str } from '@lit/localize';
import { bnSyncGroupText } from '../../config/bn-sync.ts';
import { explainProblem } from '../../config/config-text.ts';
import { checkModelBuilds } from '../../config/preflight.ts';
import { modelInputOf } from '../../data/model-input.ts';
import {
  ConfigError,
  configSchema,
  parseConfig,
  type RunConfig,
  WHOLE_CONFIG,
} from '../../config/schema.ts';
import type { ModelProblem } from '../../core/config-error.ts';
import { errorMessage } from '../../core/error-message.ts';
import {
  BN_SYNC_GROUP_KEY,
  FIELDS,
  type FieldSpec,
  type FormValues,
  fieldForPath,
  SHARDING_ALPHA_KEY,
} from './config-fields.ts';
import { type ConfigObject, getPath, setPath } from '../../config/config-object.ts';
import { type FormProblems, formProblems, withoutRepeatedValue } from './form-problems.ts';
import { modelProblemText } from './model-problem-text.ts';

export type { FormProblems } from './form-problems.ts';

export interface FormReading {
  /** The config the form describes (fields with unreadable text left out). */
  readonly input: ConfigObject;
  /** The resolved config when every field is valid, else null. */
  readonly config: RunConfig | null;
  readonly problems: FormProblems;
}

const OMIT = Symbol('omit');
type Parsed = { value: unknown } | { problem: string };

function parseNumber(text: string, integer: boolean): Parsed {
  const s = text.trim();
  const n = s === '' ? Number.NaN : Number(s);
  if (!Number.isFinite(n))
    return { problem: integer ? msg('enter a whole number') : msg('enter a number') };
  return { value: n };
}

function parseList(text: string, integer: boolean): Parsed {
  const parts = text.split(/[\s,;]+/).filter((p) => p.length > 0);
  const values: number[] = [];
  for (const p of parts) {
    const n = Number(p);
    if (!Number.isFinite(n)) {
      return {
        problem: integer
          ? msg(str`“${p}” is not a number; enter whole numbers separated by commas`)
          : msg(str`“${p}” is not a number; enter numbers separated by commas`),
      };
    }
    values.push(n);
  }
  return { value: values };
}

/** The config value of one field from the form's raw values (OMIT: leave the key out). */
function readField(f: FieldSpec, v: FormValues): Parsed | { value: typeof OMIT } {
  const raw = v[f.path];
  const text = typeof raw === 'string' ? raw : '';
  const empty = text.trim() === '';
  switch (f.kind.type) {
    case 'bool':
      return { value: raw === true };
    case 'enum':
    case 'optional-enum':
      return { value: empty ? OMIT : text };
    case 'int':
    case 'optional-int':
      return empty ? { value: OMIT } : parseNumber(text, true);
    case 'number':
      return empty ? { value: OMIT } : parseNumber(text, false);
    case 'nullable-number':
      return empty ? { value: null } : parseNumber(text, false);
    case 'int-list':
      if (empty) return { value: f.kind.emptyList === 'empty' ? [] : OMIT };
      return parseList(text, true);
    case 'number-list':
      return empty ? { value: OMIT } : parseList(text, false);
    case 'bn-sync': {
      if (text !== 'group') return { value: empty ? OMIT : text };
      const size = parseNumber(String(v[BN_SYNC_GROUP_KEY] ?? ''), true);
      if ('problem' in size) return { problem: msg('enter the group size (devices per group)') };
      return { value: `group:${size.value}` };
    }
    case 'sharding': {
      if (text !== 'dirichlet') return { value: empty ? OMIT : text };
      const alpha = parseNumber(String(v[SHARDING_ALPHA_KEY] ?? ''), false);
      if ('problem' in alpha)
        return { problem: msg('enter the Dirichlet concentration α (e.g. 0.3)') };
      return { value: { dirichlet: alpha.value } };
    }
  }
}

/** What an unreadable field holds in the config: its text, in the shape of the field's value. */
function rawValue(f: FieldSpec, v: FormValues): unknown {
  const text = String(v[f.path] ?? '');
  if (f.kind.type === 'bn-sync') return `group:${String(v[BN_SYNC_GROUP_KEY] ?? '')}`;
  if (f.kind.type === 'sharding') return { dirichlet: String(v[SHARDING_ALPHA_KEY] ?? '') };
  return text;
}

/** The config object the form's values describe, and the text that could not be read. */
export function formToInput(values: FormValues): {
  input: ConfigObject;
  unreadable: Record<string, string>;
} {
  let input: ConfigObject = {};
  const unreadable: Record<string, string> = {};
  for (const f of FIELDS) {
    const r = readField(f, values);
    if ('problem' in r) {
      unreadable[f.path] = r.problem;
      // The text as typed stays in the config, so the link holds what the form shows (and the
      // schema rejects it: such a config never runs).
      input = setPath(input, f.path, rawValue(f, values));
    } else if (r.value !== OMIT) input = setPath(input, f.path, r.value);
  }
  return { input, unreadable };
}

/**
 * The form's values for a config object that passed the schema (defaults filled, optional fields
 * absent). A resolved RunConfig should go through toEditableInput (config/config-input.ts) first.
 */
export function inputToForm(input: ConfigObject): FormValues {
  const parsed = configSchema.safeParse(input);
  const source: ConfigObject = parsed.success ? (parsed.data as ConfigObject) : input;
  const values: FormValues = { [BN_SYNC_GROUP_KEY]: '2', [SHARDING_ALPHA_KEY]: '0.3' };
  for (const f of FIELDS) {
    const v = getPath(source, f.path);
    switch (f.kind.type) {
      case 'bool':
        values[f.path] = v === true;
        break;
      case 'int-list':
      case 'number-list':
        values[f.path] = Array.isArray(v) ? v.join(', ') : '';
        break;
      case 'bn-sync': {
        const group = bnSyncGroupText(v);
        values[f.path] = group !== null ? 'group' : typeof v === 'string' ? v : 'local';
        if (group !== null) values[BN_SYNC_GROUP_KEY] = group;
        break;
      }
      case 'sharding':
        if (v && typeof v === 'object' && 'dirichlet' in v) {
          values[f.path] = 'dirichlet';
          values[SHARDING_ALPHA_KEY] = String((v as { dirichlet: unknown }).dirichlet);
        } else values[f.path] = typeof v === 'string' ? v : 'iid';
        break;
      default:
        values[f.path] = v === undefined || v === null ? '' : String(v);
    }
  }
  return values;
}

/** "path: message" lines (parseConfig's and the model builder's) grouped by form field. */
export function problemsFromLines(lines: readonly string[], input: unknown): FormProblems {
  const byField: Record<string, string[]> = {};
  const general: string[] = [];
  for (const line of lines) {
    const explained = withoutRepeatedValue(explainProblem(line, input));
    const sep = explained.indexOf(': ');
    const path = sep > 0 ? explained.slice(0, sep) : '';
    const field = path ? fieldForPath(path) : undefined;
    if (field) {
      const list = byField[field.path] ?? [];
      list.push(explained.slice(sep + 2));
      byField[field.path] = list;
    } else general.push(withoutPrefix(explained, `${WHOLE_CONFIG}: `));
  }
  return { byField, general };
}

function withoutPrefix(text: string, prefix: string): string {
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

/** Building a huge model just to check it would stall typing; the run reports such problems itself. */
const PREFLIGHT_MAX_WEIGHTS = 4_000_000;

function preflightWeights(config: RunConfig): number {
  const widths = [784, ...config.model.hidden, 10];
  let total = 0;
  for (let i = 1; i < widths.length; i++) total += widths[i - 1]! * widths[i]!;
  return total;
}

/** Everything the form needs: the config, or the problems per field, in the schema's words. */
export function readForm(values: FormValues): FormReading {
  const { input, unreadable } = formToInput(values);
  return validateInput(input, unreadable);
}

/** Why a model cannot be built: the builder's message, and its problem as data when it has one. */
interface ModelCheck {
  readonly message: string;
  readonly problem: ModelProblem | undefined;
}

/** Model checks already made: building the model to check it costs ~8 ms, and forms re-validate. */
const modelChecks = new Map<string, ModelCheck | null>();
const MODEL_CHECKS_KEPT = 32;

/** Why the model (and its optimizer) cannot be built from `config`, or null if it can. */
function modelProblem(config: RunConfig): ModelCheck | null {
  // Only these decide whether the model builds; the seed only changes its weights.
  const key = JSON.stringify([config.model, modelInputOf(config.dataset), config.optimizer]);
  const known = modelChecks.get(key);
  if (known !== undefined) return known;
  let problem: ModelCheck | null = null;
  try {
    checkModelBuilds(config);
  } catch (err) {
    problem = {
      message: errorMessage(err),
      problem: err instanceof ConfigError ? err.problem : undefined,
    };
  }
  if (modelChecks.size >= MODEL_CHECKS_KEPT) modelChecks.delete(modelChecks.keys().next().value!);
  modelChecks.set(key, problem);
  return problem;
}

/** A model check as problem lines, worded now (in the page's language) when it is known as data. */
function modelProblemLines(check: ModelCheck): string[] {
  return check.problem
    ? [`${check.problem.path}: ${modelProblemText(check.problem)}`]
    : check.message.split('\n');
}

export function validateInput(
  input: ConfigObject,
  unreadable: Record<string, string> = {},
): FormReading {
  const result = configSchema.safeParse(input);
  const fromSchema = result.success
    ? { byField: {}, general: [] }
    : formProblems(result.error.issues, input);
  const byField: Record<string, readonly string[]> = { ...fromSchema.byField };
  // Text that is not a number says so, rather than the schema's "expected number, received string".
  for (const [path, problem] of Object.entries(unreadable)) byField[path] = [problem];
  const general = [...fromSchema.general];
  let config: RunConfig | null = null;
  if (Object.keys(byField).length === 0 && general.length === 0) {
    try {
      config = parseConfig(input);
    } catch (err) {
      // parseConfig checks nothing safeParse did not; should that change, the form still shows it.
      general.push(errorMessage(err));
    }
    if (config && preflightWeights(config) <= PREFLIGHT_MAX_WEIGHTS) {
      const problem = modelProblem(config);
      if (problem !== null) {
        const built = problemsFromLines(modelProblemLines(problem), input);
        Object.assign(byField, built.byField);
        general.push(...built.general);
        config = null;
      }
    }
  }
  return { input, config, problems: { byField, general } };
}
