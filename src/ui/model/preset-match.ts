import { formToInput, inputToForm } from './config-form.ts';
import { PRESETS } from './presets.ts';
import type { Study } from './study.ts';

/** A preset as the form would hold it, to tell which preset (if any) the form shows. */
const presetKeys = new Map<Study, string>();
function presetKey(study: Study): string {
  let key = presetKeys.get(study);
  if (key === undefined) {
    key = JSON.stringify({
      config: formToInput(inputToForm(study.config)).input,
      compare: study.compare,
    });
    presetKeys.set(study, key);
  }
  return key;
}

/** The id of the preset the form shows (its study exactly as the form holds it), or null. */
export function presetShown(study: Study | undefined): string | null {
  const now = JSON.stringify(study);
  return PRESETS.find((p) => presetKey(p.study) === now)?.id ?? null;
}
