import {
  FIELD_GROUPS,
  FIELDS,
  type FieldGroupId,
  type FieldSpec,
  type FormValues,
} from './config-fields.ts';
import type { CompareSpec } from './study.ts';

/**
 * Where the setup form puts each field: the few that decide the lesson on the first screen, every
 * other one under "All settings", grouped, and only when it applies to the study the form shows.
 * A field with a problem is always shown, whether it applies or not: a problem must never hide.
 */

/** The group shown on the first screen (devices, per-device batch, BN statistics). */
export const LESSON_GROUP: FieldGroupId = 'lesson';

export const LESSON_FIELDS: readonly FieldSpec[] = FIELDS.filter((f) => f.group === LESSON_GROUP);

/**
 * Whether a field has an effect in the study: in its config, or in any of the runs the varied
 * setting makes (comparing norm "batch, group" makes the GroupNorm groups matter).
 */
export function fieldApplies(
  f: FieldSpec,
  values: FormValues,
  compare: CompareSpec | null,
): boolean {
  if (!f.appliesWhen) return true;
  if (f.appliesWhen.test(values)) return true;
  if (!compare) return false;
  return compare.values.some((v) => f.appliesWhen!.test({ ...values, [compare.field]: v }));
}

export interface SettingsSection {
  readonly id: FieldGroupId;
  readonly title: string;
  /** The fields shown, in the table's order. */
  readonly fields: readonly FieldSpec[];
  /** How many of them have a problem. */
  readonly problems: number;
}

/**
 * The groups under "All settings" with the fields to show in each: those that apply, and those
 * with a problem. A group left with no field is left out.
 */
export function settingsSections(
  values: FormValues,
  compare: CompareSpec | null,
  problems: Readonly<Record<string, readonly string[]>>,
): SettingsSection[] {
  const hasProblem = (f: FieldSpec): boolean => (problems[f.path]?.length ?? 0) > 0;
  return FIELD_GROUPS.filter((g) => g.id !== LESSON_GROUP).flatMap((g) => {
    const fields = FIELDS.filter(
      (f) => f.group === g.id && (hasProblem(f) || fieldApplies(f, values, compare)),
    );
    if (fields.length === 0) return [];
    return [{ id: g.id, title: g.title, fields, problems: fields.filter(hasProblem).length }];
  });
}

/** The fields under "All settings" that have a problem now. */
export function settingsProblemPaths(
  problems: Readonly<Record<string, readonly string[]>>,
): Set<string> {
  return new Set(
    FIELDS.filter((f) => f.group !== LESSON_GROUP && (problems[f.path]?.length ?? 0) > 0).map(
      (f) => f.path,
    ),
  );
}

/** Whether a problem appeared under "All settings" that was not there before (it opens then). */
export function newSettingsProblem(before: ReadonlySet<string>, now: ReadonlySet<string>): boolean {
  for (const path of now) if (!before.has(path)) return true;
  return false;
}

/**
 * The slider position for a box's text: the stop nearest to its number on a log scale (the
 * stops double), the first stop when the box is empty or not a positive number.
 */
export function sliderIndex(stops: readonly number[], text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) return 0;
  let best = 0;
  for (let i = 1; i < stops.length; i++) {
    if (
      Math.abs(Math.log(stops[i]!) - Math.log(n)) < Math.abs(Math.log(stops[best]!) - Math.log(n))
    )
      best = i;
  }
  return best;
}
