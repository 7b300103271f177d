import { localized, msg } from '@lit/localize';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { sharedStyles } from '../styles.ts';

/**
 * A modal question (native <dialog>: focus is trapped, Escape cancels, focus returns to the
 * button that opened it). Fires `confirm` or `cancel`; the owner closes it by clearing `open`.
 */
@customElement('sbl-confirm-dialog')
@localized()
export class ConfirmDialog extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      dialog {
        color: var(--sbl-fg);
        background: var(--sbl-bg);
        border: 1px solid var(--sbl-border);
        border-radius: 10px;
        max-width: min(32rem, 92vw);
        padding: 1.2rem;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.45);
      }
      .row {
        justify-content: flex-end;
        margin-top: 1rem;
      }
    `,
  ];

  @property({ type: Boolean }) open = false;
  @property() heading = '';
  @property() message = '';
  /** The confirm button's words; empty: "OK" in the page's language. */
  @property({ attribute: 'confirm-label' }) confirmLabel = '';

  @query('dialog') private dialog!: HTMLDialogElement;

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open')) return;
    if (this.open && !this.dialog.open) {
      this.dialog.showModal();
      // The safe choice gets the focus.
      this.renderRoot.querySelector<HTMLButtonElement>('button.cancel')?.focus();
    } else if (!this.open && this.dialog.open) this.dialog.close();
  }

  private answer(kind: 'confirm' | 'cancel'): void {
    this.dispatchEvent(new CustomEvent(kind, { bubbles: true, composed: true }));
  }

  override render() {
    return html`<dialog
      aria-labelledby="dlg-title"
      aria-describedby="dlg-msg"
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.answer('cancel');
      }}
    >
      <h2 id="dlg-title">${this.heading}</h2>
      <p id="dlg-msg">${this.message}</p>
      <div class="row">
        <button type="button" class="cancel" @click=${() => this.answer('cancel')}>${msg('Cancel')}</button>
        <button type="button" class="primary" @click=${() => this.answer('confirm')}>${this.confirmLabel || msg('OK')}</button>
      </div>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-confirm-dialog': ConfirmDialog;
  }
}
