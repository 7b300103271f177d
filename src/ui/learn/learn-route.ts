/**
 * The Learn view's address, pure: `#learn/3` opens step 3, `#learn` opens where the reader
 * stopped (remembered in localStorage), and every other hash (`#x=…`, the study) is not ours.
 */

/** The hash prefix of the Learn view. */
export const LEARN_HASH = '#learn';

/** localStorage key of the step the reader last opened. */
export const LEARN_STEP_KEY = 'syncbn-lab:learn-step';

/** What a hash asks of the Learn view: a step (1-based, unclamped), or "where I stopped" (null). */
export interface LearnRequest {
  readonly step: number | null;
}

/**
 * The Learn request a hash holds, or null when the hash is not the Learn view's (the study's
 * `#x=…`, an empty hash). `#learn/0`, `#learn/abc` ask for no particular step.
 */
export function parseLearnHash(hash: string): LearnRequest | null {
  const h = hash.startsWith('#') ? hash : `#${hash}`;
  if (h !== LEARN_HASH && !h.startsWith(`${LEARN_HASH}/`)) return null;
  const rest = h.slice(LEARN_HASH.length + 1);
  if (!/^\d{1,6}$/.test(rest)) return { step: null };
  const step = Number(rest);
  return { step: step >= 1 ? step : null };
}

/** The hash of step `step` (1-based). */
export function formatLearnHash(step: number): string {
  return `${LEARN_HASH}/${step}`;
}

/** A step number brought into 1…count (a stale link to a step that no longer exists). */
export function clampStep(step: number, count: number): number {
  if (!Number.isFinite(step)) return 1;
  return Math.min(Math.max(1, Math.round(step)), Math.max(1, count));
}

/** The parts of Storage the remembered step uses (a test passes a Map-backed one). */
export interface StepStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The step the reader last opened, or null (none yet, unreadable, or storage blocked). */
export function rememberedStep(storage: StepStorage | null | undefined): number | null {
  try {
    const text = storage?.getItem(LEARN_STEP_KEY) ?? null;
    if (text === null || !/^\d{1,6}$/.test(text)) return null;
    const step = Number(text);
    return step >= 1 ? step : null;
  } catch {
    return null;
  }
}

export function rememberStep(storage: StepStorage | null | undefined, step: number): void {
  try {
    storage?.setItem(LEARN_STEP_KEY, String(step));
  } catch {
    // Storage blocked (private mode, policies): the path still works, it just is not remembered.
  }
}

/** The step a request opens: the one asked for, else the remembered one, else the first; clamped. */
export function resolveStep(
  request: LearnRequest,
  remembered: number | null,
  count: number,
): number {
  return clampStep(request.step ?? remembered ?? 1, count);
}
