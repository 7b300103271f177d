import { msg, str } from '@lit/localize';
import type { SaveProblem } from './run-recorder.ts';

/** What a save notice needs to know about its run, read when the problem happened. */
export interface SaveNoticeFacts {
  /** The run's name, or null when the run is unknown. */
  readonly label: string | null;
  /** The run had finished (only its end could not be saved) rather than being stopped mid-run. */
  readonly settled: boolean;
  /** The step it was at. */
  readonly step: number;
  /** The step of its last checkpoint in the library, or null when none was saved. */
  readonly checkpointStep: number | null;
  /** The first run to hit full storage: its notice says how to make room (once per study). */
  readonly firstQuota: boolean;
}

/**
 * What the user must know when saving a run to the library failed: what was lost, what the
 * library kept and (full storage) how to make room. Written in the language shown when called,
 * so a notice kept as facts is rewritten by a language switch.
 */
export function saveNotice(problem: SaveProblem, f: SaveNoticeFacts): string {
  const at = f.checkpointStep;
  const kept =
    at === null
      ? msg('The library keeps its settings, but no checkpoint, so it cannot be resumed.')
      : msg(
          str`The library keeps everything up to step ${at} (its last checkpoint); once there is room it can be resumed from there.`,
        );
  const name = f.label ?? msg('the run');
  if (problem.kind === 'quota') {
    const what = f.settled
      ? msg(str`the end of “${name}” could not be saved`)
      : msg(str`“${name}” was stopped at step ${f.step}`);
    return f.firstQuota
      ? msg(
          str`The browser’s storage for this site is full, so ${what}. ${kept} Free space by exporting and deleting old runs in the library below.`,
        )
      : msg(str`Then ${what} too. ${kept}`);
  }
  return msg(
    str`Saving “${name}” to the library failed, so the rest of it is not saved (${problem.message}). ${kept}`,
  );
}
