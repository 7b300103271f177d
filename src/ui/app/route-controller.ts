import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { DEFAULT_STUDY } from '../model/presets.ts';
import type { Study } from '../model/study.ts';
import { decodeStudyHash, encodeStudyHash } from '../model/study-hash.ts';
import { parseLearnHash } from '../learn/learn-route.ts';

/** What the page shows for its address: the study, and why the link's own study is not it. */
export interface Route {
  readonly study: Study;
  /** The link held a study that could not be read (the default study is shown instead). */
  readonly message: string | null;
}

/**
 * The route a hash stands for; null when the hash holds no study (empty, or the Learn view's
 * `#learn/N`: the page keeps the study it shows).
 */
export function routeFromHash(hash: string): Route | null {
  if (parseLearnHash(hash)) return null;
  const reading = decodeStudyHash(hash);
  if (reading.kind === 'ok') return { study: reading.study, message: null };
  if (reading.kind === 'error')
    return {
      study: DEFAULT_STUDY,
      // Worded when shown: the language can change while the page shows it.
      get message() {
        return reading.message;
      },
    };
  return null;
}

/** The hash that reproduces a study, or null when the address already holds it. */
export function hashToWrite(currentHash: string, study: Study): string | null {
  const hash = `#${encodeStudyHash(study)}`;
  return currentHash === hash ? null : hash;
}

/** The parts of `window` the route uses (a test passes its own). */
export interface RouteWindow {
  readonly location: { readonly hash: string };
  readonly history: { replaceState(data: unknown, unused: string, url: string): void };
  addEventListener(type: 'hashchange', listener: () => void): void;
  removeEventListener(type: 'hashchange', listener: () => void): void;
}

/**
 * The page address ↔ the study the form shows. The address holds the study (`#x=…`), so a link
 * reproduces it: read when the page opens and whenever the hash changes, written on every edit.
 */
export class RouteController implements ReactiveController {
  /** The study the form shows (from the link, a library run, or the default). */
  study: Study = DEFAULT_STUDY;
  /** The link's study that could not be read (why, in `message`), or null. */
  private unread: Route | null = null;

  /** Why the link's study is not shown, or null (worded in the language shown now). */
  get message(): string | null {
    return this.unread?.message ?? null;
  }

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly win: RouteWindow = window,
  ) {
    host.addController(this);
    this.read();
  }

  hostConnected(): void {
    this.win.addEventListener('hashchange', this.read);
  }

  hostDisconnected(): void {
    this.win.removeEventListener('hashchange', this.read);
  }

  /** Show a study that does not come from the address (a library run's settings). */
  show(study: Study): void {
    this.study = study;
    this.host.requestUpdate();
  }

  /**
   * The form changed: the link always holds what the form shows, valid or not (a link to a config
   * with a problem opens with the problem explained, never with another config in its place).
   */
  edited(study: Study): void {
    // The page's study follows the form: a later render hands the form back what it announced
    // (which it keeps as it is), never an older study in its place.
    this.study = study;
    this.write(study);
    this.unread = null;
    this.host.requestUpdate();
  }

  /** The URL reproduces the study (replaceState: editing does not flood the history). */
  write(study: Study): void {
    const hash = hashToWrite(this.win.location.hash, study);
    if (hash !== null) this.win.history.replaceState(null, '', hash);
  }

  private readonly read = (): void => {
    const route = routeFromHash(this.win.location.hash);
    if (!route) return;
    this.study = route.study;
    this.unread = route.message === null ? null : route;
    this.host.requestUpdate();
  };
}
