import { toConfigInput } from '../../config/config-input.ts';
import { parseConfig } from '../../config/schema.ts';
import { PRESETS } from './presets.ts';
import type { Study } from './study.ts';

/**
 * A study by what it runs: its config resolved (every default filled in, keys in one order) and
 * what it varies. A field left empty and a field set to its default then read the same, as they
 * run the same: a study that came back through the link (which leaves defaults out) still
 * matches its preset. Null for a config that does not parse (no preset is invalid).
 */
function studyKey(study: Study): string | null {
  try {
    return JSON.stringify({
      config: toConfigInput(parseConfig(study.config)),
      compare: study.compare,
    });
  } catch {
    return null;
  }
}

const presetKeys = new Map<Study, string | null>();
function presetKey(study: Study): string | null {
  if (!presetKeys.has(study)) presetKeys.set(study, studyKey(study));
  return presetKeys.get(study) ?? null;
}

/** The id of the preset the form shows (the same runs, however the form holds them), or null. */
export function presetShown(study: Study | undefined): string | null {
  if (!study) return null;
  const now = studyKey(study);
  if (now === null) return null;
  return PRESETS.find((p) => presetKey(p.study) === now)?.id ?? null;
}
