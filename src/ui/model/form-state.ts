import { msg, str } from '@lit/localize';
import type { RunConfig } from '../../config/schema.ts';
import { runName, studyRunNames } from './run-name.ts';
import { fieldByPath, type FormValues } from './config-fields.ts';
import { type FormReading, readForm } from './config-form.ts';
import {
  type CompareField,
  describeConfig,
  type Study,
  expandStudy,
  isCompareField,
  splitCompareValues,
  type Variant,
} from './study.ts';

/**
 * Everything the setup form shows and does, from its raw values, in one pure function: the
 * study (what the URL holds), its problems, whether Run is allowed and why not, and the runs
 * Run would start. The form renders this and nothing else, so what is shown, linked, run and
 * saved cannot drift apart (tests/ui/form-state.test.ts checks it over random edits).
 */

/** A run the form asks the app to start. */
export interface RunRequest {
  readonly label: string;
  readonly name: string;
  readonly config: RunConfig;
}

export interface FormState {
  readonly reading: FormReading;
  /** The study the form shows (the URL hash encodes exactly this). */
  readonly study: Study;
  readonly variants: readonly Variant[];
  /** Problems to show at each field (not at the varied field, whose own value is not used). */
  readonly shownProblems: Readonly<Record<string, readonly string[]>>;
  /** Why Run is off, in the form's words; empty when Run may start. */
  readonly blockers: readonly string[];
  /** The runs Run starts (empty while there are blockers). */
  readonly runs: readonly RunRequest[];
}

export function formState(
  values: FormValues,
  compareField: string,
  compareText: string,
): FormState {
  const reading = readForm(values);
  const field: CompareField | '' = isCompareField(compareField) ? compareField : '';
  const compareValues = splitCompareValues(compareText);
  const study: Study = {
    config: reading.input,
    compare: field && compareValues.length > 0 ? { field, values: compareValues } : null,
  };
  const variants = expandStudy(study);
  const shownProblems: Record<string, readonly string[]> = {};
  // One line per problem, naming every field it is shown at (a cross-field rule is at several).
  const fieldsOf = new Map<string, string[]>();
  for (const [path, list] of Object.entries(reading.problems.byField)) {
    // The varied field's own box is replaced by the side-by-side values (checked per variant).
    if (study.compare && path === study.compare.field) continue;
    shownProblems[path] = list;
    for (const message of list) {
      const labels = fieldsOf.get(message) ?? [];
      labels.push(fieldByPath(path)?.label ?? path);
      fieldsOf.set(message, labels);
    }
  }
  const blockers = [...fieldsOf].map(([message, labels]) => `${labels.join(', ')}: ${message}`);
  blockers.push(...reading.problems.general);
  for (const v of variants) {
    if (v.config === null && study.compare)
      blockers.push(msg(str`Side by side, ${v.shown}: ${v.problems.join('; ')}`));
  }
  if (blockers.length === 0 && variants.some((v) => v.config === null))
    blockers.push(msg('the study does not validate'));
  const many = variants.length > 1;
  // Without blockers every variant validated (a null config adds one above).
  const runs: RunRequest[] = blockers.length > 0 ? [] : runRequests(variants, many);
  return { reading, study, variants, shownProblems, blockers, runs };
}

/** Every valid variant as a run, named by what differs between them (see run-name.ts). */
function runRequests(
  variants: readonly { label: string; config: RunConfig | null }[],
  many: boolean,
): RunRequest[] {
  const valid = variants.flatMap((v) => (v.config === null ? [] : [{ ...v, config: v.config }]));
  const names = many
    ? studyRunNames(valid.map((v) => v.config))
    : valid.map((v) => runName(v.config));
  return valid.map(({ label, config }, i) => ({
    label: many ? label : describeConfig(config),
    name: names[i] ?? runName(config),
    config,
  }));
}
