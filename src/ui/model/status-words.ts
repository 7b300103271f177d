import { msg } from '@lit/localize';
import type { RunStatus } from '../../store/index.ts';

/**
 * A saved run's or experiment session's status in the page's language (the library's table and
 * filter, the experiments' sessions). The stored value stays the English word; "training" is a
 * run this page is training now.
 */
export function runStatusText(status: RunStatus | 'training'): string {
  switch (status) {
    case 'running':
      return msg('running');
    case 'completed':
      return msg('completed');
    case 'stopped':
      return msg('stopped');
    case 'failed':
      return msg('failed');
    case 'interrupted':
      return msg('interrupted');
    case 'training':
      return msg('training');
  }
}
