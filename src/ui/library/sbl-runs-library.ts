import { localized, msg, str } from '@lit/localize';
import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import {
  RUN_STATUSES,
  type RunRecord,
  type RunSortKey,
  type RunStatus,
  type StorageEstimate,
} from '../../store/index.ts';
import { selectRuns } from '../../store/runs.ts';
import { formatPercent } from '../model/format.ts';
import { runStatusText } from '../model/status-words.ts';
import type { TorchDownloadNote } from '../model/torch-export.ts';
import { torchOriginBadge } from './torch-origin-text.ts';
import { formatSavedAt, nextSort, storageText } from './library-text.ts';
import { runsLibraryStyles } from './sbl-runs-library.styles.ts';
import type { LibraryNote, LibraryState } from './store-controller.ts';
import './sbl-confirm-dialog.ts';

export type LibraryAction = 'show' | 'export' | 'resume' | 'use-settings' | 'torch-zip';

export interface LibraryEventMap {
  'library-action': CustomEvent<{ action: LibraryAction; id: string }>;
  'library-rename': CustomEvent<{ id: string; name: string }>;
  'library-delete': CustomEvent<{ id: string }>;
  'library-import': CustomEvent<{ file: File }>;
  'library-compare': CustomEvent<{ ids: string[] }>;
}

const RESUMABLE: readonly RunStatus[] = ['interrupted', 'stopped'];

/**
 * The saved runs: sortable, filterable table; rename in place; delete after a confirmation;
 * export and import files; pick two or more to compare; resume an interrupted run from its last
 * checkpoint. Every action is an event for the app (which owns the store controller).
 */
@customElement('sbl-runs-library')
@localized()
export class RunsLibrary extends LitElement {
  static override styles = runsLibraryStyles;

  @property({ attribute: false }) runs: readonly RunRecord[] = [];
  @property() state: LibraryState = 'opening';
  @property({ attribute: false }) estimate: StorageEstimate | null = null;
  @property({ attribute: false }) persisted: boolean | null = null;
  @property({ attribute: false }) importNote: LibraryNote | null = null;
  @property({ attribute: false }) actionError: string | null = null;
  /** Library ids this page is training now (cannot be deleted or resumed meanwhile). */
  @property({ attribute: false }) liveIds: ReadonlySet<string> = new Set();
  /** A session is busy: Resume waits. */
  @property({ type: Boolean }) busy = false;
  /** The last PyTorch download's state (shown above the table when a row asked for it). */
  @property({ attribute: false }) torchNote: TorchDownloadNote | null = null;
  /** Why a resume could not start, shown above the table. */
  @property({ attribute: false }) resumeProblem: string | null = null;

  @state() private sortBy: RunSortKey = 'updatedAt';
  @state() private order: 'asc' | 'desc' = 'desc';
  @state() private text = '';
  @state() private status: RunStatus | '' = '';
  @state() private selected: ReadonlySet<string> = new Set();
  @state() private renaming: { id: string; name: string } | null = null;
  @state() private deleting: RunRecord | null = null;

  private emit<K extends keyof LibraryEventMap>(
    name: K,
    detail: LibraryEventMap[K]['detail'],
  ): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private sortOn(key: RunSortKey): void {
    const next = nextSort({ sortBy: this.sortBy, order: this.order }, key);
    this.sortBy = next.sortBy;
    this.order = next.order;
  }

  private toggle(id: string, on: boolean): void {
    const next = new Set(this.selected);
    if (on) next.add(id);
    else next.delete(id);
    this.selected = next;
  }

  private saveRename(): void {
    const r = this.renaming;
    if (!r) return;
    if (r.name.trim()) this.emit('library-rename', { id: r.id, name: r.name });
    this.renaming = null;
  }

  private sortHeader(key: RunSortKey, label: string, numeric = false) {
    const active = this.sortBy === key;
    return html`<th
      scope="col"
      class=${numeric ? 'num' : ''}
      aria-sort=${active ? (this.order === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button type="button" class="sort" @click=${() => this.sortOn(key)}>
        ${label}${active ? (this.order === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>`;
  }

  override render() {
    const known = new Set(this.runs.map((r) => r.id));
    const selected = [...this.selected].filter((id) => known.has(id));
    const rows = selectRuns(this.runs, {
      sortBy: this.sortBy,
      order: this.order,
      filter: { text: this.text, ...(this.status ? { status: this.status } : {}) },
    });
    return html`<section aria-labelledby="lib-title" data-testid="library" data-state=${this.state}>
      <h2 id="lib-title">${msg('Saved runs')}</h2>
      <p class="small muted" data-testid="storage">${storageText(this.state, this.estimate, this.persisted)}</p>
      <div class="tools">
        <label
          >${msg('Filter by words')}
          <input
            type="search"
            .value=${this.text}
            placeholder=${msg('e.g. sync mnist')}
            @input=${(e: Event) => {
              this.text = (e.target as HTMLInputElement).value;
            }}
        /></label>
        <label
          >${msg('Status')}
          <select
            @change=${(e: Event) => {
              this.status = (e.target as HTMLSelectElement).value as RunStatus | '';
            }}
          >
            <option value="" ?selected=${this.status === ''}>${msg('any')}</option>
            ${RUN_STATUSES.map((s) => html`<option value=${s} ?selected=${s === this.status}>${runStatusText(s)}</option>`)}
          </select>
        </label>
        <button
          type="button"
          ?disabled=${selected.length < 2}
          @click=${() => this.emit('library-compare', { ids: selected })}
        >
          ${msg(str`Compare selected (${selected.length})`)}
        </button>
        <div class="import">
          <button
            type="button"
            aria-describedby="import-message"
            ?disabled=${this.state !== 'ready'}
            @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#import-file')?.click()}
          >
            ${msg('Import…')}
          </button>
          <input
            id="import-file"
            class="visually-hidden"
            type="file"
            accept=".json,application/json"
            tabindex="-1"
            aria-label=${msg('Import file')}
            data-testid="import-file"
            @change=${(e: Event) => {
              const input = e.target as HTMLInputElement;
              const file = input.files?.[0];
              input.value = '';
              if (file) this.emit('library-import', { file });
            }}
          />
          <span
            id="import-message"
            data-testid="import-message"
            class="small ${this.importNote?.kind === 'error' ? 'error' : 'ok'}"
            role=${this.importNote?.kind === 'error' ? 'alert' : 'status'}
            >${this.importNote?.text ?? ''}</span
          >
        </div>
      </div>
      ${this.actionError ? html`<div class="notice" role="alert">${this.actionError}</div>` : nothing}
      ${this.resumeProblem ? html`<div class="notice" role="alert">${this.resumeProblem}</div>` : nothing}
      ${this.renderTorchNote()}
      ${this.state === 'opening' ? html`<p class="muted">${msg('Opening the library…')}</p>` : nothing}
      ${
        this.state === 'ready' && this.runs.length === 0
          ? html`<p class="muted">${msg('No saved runs yet: every run you start is saved here.')}</p>`
          : nothing
      }
      ${
        this.runs.length > 0
          ? html`<div class="table-wrap">
            <table data-testid="runs-table">
              <caption class="visually-hidden">${msg(str`Saved runs, ${rows.length} shown`)}</caption>
              <thead>
                <tr>
                  <th scope="col"><span class="visually-hidden">${msg('Select')}</span></th>
                  ${this.sortHeader('name', msg('Name'))}
                  <th scope="col">${msg('Status')}</th>
                  <th scope="col" class="num">${msg('Steps')}</th>
                  ${this.sortHeader('testAcc', msg('Test accuracy'), true)} ${this.sortHeader('updatedAt', msg('Updated'))}
                  <th scope="col">${msg('Actions')}</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map((r) => this.renderRow(r))}
              </tbody>
            </table>
          </div>`
          : nothing
      }
      <sbl-confirm-dialog
        ?open=${this.deleting !== null}
        heading=${msg('Delete this saved run?')}
        message=${
          this.deleting
            ? msg(
                str`“${this.deleting.name}” and its metrics and checkpoints will be removed from this browser. Export it first if you want to keep a copy.`,
              )
            : ''
        }
        confirm-label=${msg('Delete')}
        @confirm=${() => {
          if (this.deleting) this.emit('library-delete', { id: this.deleting.id });
          this.deleting = null;
        }}
        @cancel=${() => {
          this.deleting = null;
        }}
      ></sbl-confirm-dialog>
    </section>`;
  }

  private renderTorchNote() {
    const note = this.torchNote;
    if (note?.where !== 'library') return nothing;
    return html`<div
      class=${note.kind === 'error' ? 'notice' : 'small'}
      role=${note.kind === 'error' ? 'alert' : 'status'}
      data-testid="torch-note"
      data-kind=${note.kind}
    >${note.text}</div>`;
  }

  private renderRow(r: RunRecord) {
    const nameId = `name-${r.id}`;
    const live = this.liveIds.has(r.id);
    const renaming = this.renaming?.id === r.id;
    const s = r.summary;
    return html`<tr data-run-id=${r.id} data-testid="run-row">
      <td>
        <input
          type="checkbox"
          aria-label=${msg('Select for comparison')}
          aria-describedby=${nameId}
          .checked=${this.selected.has(r.id)}
          @change=${(e: Event) => this.toggle(r.id, (e.target as HTMLInputElement).checked)}
        />
      </td>
      <td>
        ${
          renaming
            ? html`<span class="rename">
              <input
                type="text"
                aria-label=${msg('New name')}
                .value=${this.renaming!.name}
                @input=${(e: Event) => {
                  this.renaming = { id: r.id, name: (e.target as HTMLInputElement).value };
                }}
                @keydown=${(e: KeyboardEvent) => {
                  if (e.key === 'Enter') this.saveRename();
                  if (e.key === 'Escape') this.renaming = null;
                }}
              />
              <button type="button" @click=${() => this.saveRename()}>${msg('Save')}</button>
              <button type="button" @click=${() => (this.renaming = null)}>${msg('Cancel')}</button>
            </span>`
            : html`<span id=${nameId}>${r.name}</span>`
        }
        ${s.error ? html`<div class="small error">${s.error}</div>` : nothing}
        ${r.origin ? html`<div class="small muted" data-testid="torch-badge">${torchOriginBadge(r.origin)}</div>` : nothing}
      </td>
      <td><span
        class="status ${r.status}"
        data-testid="run-status-cell"
        data-status=${live ? 'training' : r.status}
      >${runStatusText(live ? 'training' : r.status)}</span></td>
      <td class="num">${s.stepsDone} / ${s.steps}</td>
      <td class="num">${formatPercent(s.testAcc)}</td>
      <td><time datetime=${new Date(r.updatedAt).toISOString()}>${formatSavedAt(r.updatedAt)}</time></td>
      <td class="actions">
        <button type="button" aria-describedby=${nameId} @click=${() => this.emit('library-action', { action: 'show', id: r.id })}>
          ${msg('Show')}
        </button>
        ${
          RESUMABLE.includes(r.status) && !live && !r.origin
            ? html`<button
              type="button"
              class="primary"
              aria-describedby=${nameId}
              ?disabled=${this.busy}
              @click=${() => this.emit('library-action', { action: 'resume', id: r.id })}
            >
              ${msg('Resume')}
            </button>`
            : nothing
        }
        <button
          type="button"
          aria-describedby=${nameId}
          @click=${() => this.emit('library-action', { action: 'use-settings', id: r.id })}
        >
          ${msg('Edit settings')}
        </button>
        <button
          type="button"
          aria-describedby=${nameId}
          ?disabled=${renaming}
          @click=${() => {
            this.renaming = { id: r.id, name: r.name };
            this.updateComplete.then(() =>
              this.renderRoot.querySelector<HTMLInputElement>('.rename input')?.focus(),
            );
          }}
        >
          ${msg('Rename')}
        </button>
        <button type="button" aria-describedby=${nameId} @click=${() => this.emit('library-action', { action: 'export', id: r.id })}>
          ${msg('Export')}
        </button>
        ${
          r.origin || live
            ? nothing
            : html`<button
              type="button"
              aria-describedby=${nameId}
              data-testid="torch-download"
              ?disabled=${this.torchNote?.kind === 'busy'}
              @click=${() => this.emit('library-action', { action: 'torch-zip', id: r.id })}
            >
              ${msg('PyTorch .zip')}
            </button>`
        }
        <button
          type="button"
          class="danger"
          aria-describedby=${nameId}
          ?disabled=${live}
          @click=${() => {
            this.deleting = r;
          }}
        >
          ${msg('Delete')}
        </button>
      </td>
    </tr>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-runs-library': RunsLibrary;
  }
  interface HTMLElementEventMap extends LibraryEventMap {}
}
