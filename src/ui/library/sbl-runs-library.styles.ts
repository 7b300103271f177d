import { css } from 'lit';
import { sharedStyles } from '../styles.ts';

/** The styles of `<sbl-runs-library>` (the saved runs' table), kept out of the component so it reads as what it renders. */
export const runsLibraryStyles = [
  sharedStyles,
  css`
    :host {
      display: block;
    }
    .tools {
      display: flex;
      flex-wrap: wrap;
      gap: 0.6rem 1rem;
      align-items: end;
      margin-bottom: 0.6rem;
    }
    .tools label {
      display: flex;
      flex-direction: column;
      font-size: 0.9rem;
      gap: 0.15rem;
    }
    .table-wrap {
      overflow-x: auto;
    }
    th button.sort {
      border: none;
      background: none;
      padding: 0;
      font-weight: 600;
      min-height: auto;
    }
    td.actions {
      white-space: nowrap;
    }
    td.actions button {
      padding: 0.15rem 0.5rem;
      min-height: 1.8rem;
      font-size: 0.85rem;
    }
    .status {
      font-size: 0.85rem;
      padding: 0.05rem 0.45rem;
      border-radius: 999px;
      border: 1px solid var(--sbl-border);
      white-space: nowrap;
    }
    .status.interrupted,
    .status.failed {
      border-color: var(--sbl-error);
      color: var(--sbl-error);
    }
    .status.completed {
      border-color: var(--sbl-ok);
      color: var(--sbl-ok);
    }
    .import {
      display: flex;
      flex-direction: column;
      gap: 0.2rem;
    }
    .rename {
      display: flex;
      gap: 0.3rem;
      flex-wrap: wrap;
    }
    .rename input {
      min-width: 12rem;
    }
  `,
];
