import { msg } from '@lit/localize';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { resolveTransport } from '../../collectives/transport.ts';
import type { Study } from '../model/study.ts';
import type { SessionView } from '../session/session-controller.ts';

/** What each transport means, in the language shown now (a function: the language can change). */
export function transportMeaning(name: string): string {
  switch (name) {
    case 'shared-memory':
      return msg('workers exchange statistics through shared memory (SharedArrayBuffer + Atomics)');
    case 'message-port':
      return msg(
        'workers exchange statistics by posting messages (the fallback without cross-origin isolation)',
      );
    case 'local':
      return msg('all devices in one thread');
    default:
      return '';
  }
}

/**
 * The transport the header names: the one the most recent run reported, else the one the page
 * expects for the study's setting. (Moved from sbl-app.ts unchanged: `hostUpdate` was the app's
 * `willUpdate`, `transport()` its method of the same name.)
 */
export class TransportController implements ReactiveController {
  /** The transport of the most recent run that reported one. */
  private lastTransport: string | null = null;
  readonly isolated = globalThis.crossOriginIsolated === true;

  constructor(
    host: ReactiveControllerHost,
    private readonly readSession: () => { readonly view: SessionView },
    private readonly readStudy: () => Study,
  ) {
    host.addController(this);
  }

  private get session(): { readonly view: SessionView } {
    return this.readSession();
  }

  private get study(): Study {
    return this.readStudy();
  }

  hostUpdate(): void {
    const runs = this.session.view.runs;
    for (let i = runs.length - 1; i >= 0; i--) {
      const t = runs[i]!.transport;
      if (t) {
        this.lastTransport = t;
        break;
      }
    }
  }

  transport(): { name: string; known: boolean } {
    if (this.lastTransport) return { name: this.lastTransport, known: true };
    const asked =
      typeof this.study.config.transport === 'string' ? this.study.config.transport : 'auto';
    const name = asked === 'auto' ? resolveTransport('auto') : asked;
    return { name, known: false };
  }
}
