import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  formatLearnHash,
  parseLearnHash,
  rememberedStep,
  rememberStep,
  resolveStep,
  type StepStorage,
} from './learn-route.ts';
import { LEARN_STEPS } from './learn-steps.ts';

/** The parts of `window` the controller uses (a test passes its own). */
export interface LearnWindow {
  readonly location: { readonly hash: string };
  readonly history: { replaceState(data: unknown, unused: string, url: string): void };
  readonly localStorage?: StepStorage;
  addEventListener(type: 'hashchange', listener: () => void): void;
  removeEventListener(type: 'hashchange', listener: () => void): void;
}

function storageOf(win: LearnWindow): StepStorage | null {
  try {
    return win.localStorage ?? null;
  } catch {
    return null; // reading localStorage itself throws where storage is blocked
  }
}

/**
 * Whether the address shows the Learn view, and which step. `#learn` (or a step out of range) is
 * rewritten to the step it opens, so the address can always be shared; the step shown is
 * remembered for the next `#learn`.
 */
export class LearnRouteController implements ReactiveController {
  active = false;
  step = 1;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly win: LearnWindow = window,
    private readonly count: number = LEARN_STEPS.length,
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

  private readonly read = (): void => {
    const request = parseLearnHash(this.win.location.hash);
    const wasActive = this.active;
    this.active = request !== null;
    if (request) {
      const storage = storageOf(this.win);
      this.step = resolveStep(request, rememberedStep(storage), this.count);
      rememberStep(storage, this.step);
      const canonical = formatLearnHash(this.step);
      if (this.win.location.hash !== canonical) this.win.history.replaceState(null, '', canonical);
    }
    if (request || wasActive) this.host.requestUpdate();
  };
}
