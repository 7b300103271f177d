import { msg, str } from '@lit/localize';
import { errorMessage } from '../core/error-message.ts';

/**
 * Words, or how to say them: a function is asked each time the message is read, so a message
 * shown in the page follows a switch of its language (msg() answers in the language shown now).
 */
export type Wording = string | (() => string);

/** Every error the run store throws on purpose is a StoreError. */
export class StoreError extends Error {
  override name = 'StoreError';

  constructor(wording: Wording, options?: ErrorOptions) {
    super(typeof wording === 'string' ? wording : wording(), options);
    if (typeof wording === 'function') {
      Object.defineProperty(this, 'message', { get: wording, configurable: true });
    }
  }
}

/**
 * The browser refused to store more for this site. The write that hit it was rolled back whole;
 * everything saved before is intact, and unsaved metrics stay buffered for a later flush().
 */
export class StoreQuotaError extends StoreError {
  override name = 'StoreQuotaError';
}

/** The connection is closed (close(), another tab upgrading the schema, or the browser). */
export class StoreClosedError extends StoreError {
  override name = 'StoreClosedError';
}

/** Another tab keeps an older version of the library open and did not let go in time. */
export class StoreBlockedError extends StoreError {
  override name = 'StoreBlockedError';
}

export class RunNotFoundError extends StoreError {
  override name = 'RunNotFoundError';
  constructor(readonly runId: string) {
    super(() => msg(str`There is no saved run with id ${runId} (it may have been deleted).`));
  }
}

/** A file given to importRun is not a valid run export; nothing was written. */
export class ImportError extends StoreError {
  override name = 'ImportError';
}

/** Chrome and Safari say QuotaExceededError (legacy code 22); old Firefox NS_ERROR_DOM_QUOTA_REACHED. */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22;
}

/** What the caller sees for a failed IndexedDB operation. */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const detail = errorMessage(error);
  if (isQuotaError(error)) {
    return new StoreQuotaError(
      () =>
        msg(
          str`The browser's storage for this site is full, so the run could not be saved (${detail}). Export or delete old runs to make room; what was saved before is intact.`,
        ),
      { cause: error },
    );
  }
  if (error instanceof Error && error.name === 'InvalidStateError') {
    return new StoreClosedError(() => msg(str`The run library is closed (${detail}).`), {
      cause: error,
    });
  }
  return new StoreError(() => msg(str`Saving to the run library failed: ${detail}`), {
    cause: error,
  });
}
