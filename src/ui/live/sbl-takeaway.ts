import { localized, msg } from '@lit/localize';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LiveRun } from '../session/live-run.ts';
import { takeaway } from '../model/takeaway.ts';
import { sharedStyles } from '../styles.ts';

/**
 * The study's takeaway once every run is finished: who did better, by how much, and why, from
 * the runs' own numbers. Renders only when the live view does (on the page's render clock), and
 * computes only once the study is over, so it costs nothing while training.
 */
@customElement('sbl-takeaway')
@localized()
export class TakeawayView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .takeaway {
        margin-top: 0.8rem;
        padding: 0.6rem 0.8rem;
        border-left: 0.25rem solid var(--sbl-ok);
      }
      .takeaway p {
        margin: 0.3rem 0;
      }
    `,
  ];

  @property({ attribute: false }) runs: readonly LiveRun[] = [];

  override render() {
    const finished = this.runs.length > 0 && this.runs.every((r) => !isActive(r.status));
    const t = finished ? takeaway(this.runs) : null;
    if (!t) return nothing;
    return html`<div class="takeaway" role="status" data-testid="takeaway">
      <h3>${msg('Takeaway')}</h3>
      <p data-testid="takeaway-headline"><strong>${t.headline}</strong></p>
      ${t.reasons.map((r) => html`<p class="small">${r}</p>`)}
    </div>`;
  }
}

function isActive(status: LiveRun['status']): boolean {
  return (
    status === 'queued' || status === 'starting' || status === 'running' || status === 'paused'
  );
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-takeaway': TakeawayView;
  }
}
