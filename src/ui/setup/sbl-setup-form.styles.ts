import { css } from 'lit';
import { sharedStyles } from '../styles.ts';

/** The styles of `<sbl-setup-form>` (the form's groups, fields and run bar), kept out of the component so it reads as what it renders. */
export const setupFormStyles = [
  sharedStyles,
  css`
    :host {
      display: block;
    }
    .presets {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem;
      margin-bottom: 0.5rem;
    }
    .presets button[aria-pressed='true'] {
      border-color: var(--sbl-accent);
      box-shadow: inset 0 0 0 1px var(--sbl-accent);
    }
    details {
      border: 1px solid var(--sbl-border);
      border-radius: 8px;
      margin: 0.5rem 0;
      background: var(--sbl-bg);
    }
    summary {
      cursor: pointer;
      padding: 0.45rem 0.7rem;
      font-weight: 600;
    }
    summary .count {
      font-weight: normal;
      margin-left: 0.4rem;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
      gap: 0.6rem 1rem;
      padding: 0.2rem 0.7rem 0.8rem;
    }
    .field {
      display: flex;
      flex-direction: column;
      gap: 0.15rem;
      min-width: 0;
    }
    .field > label {
      font-size: 0.9rem;
      font-weight: 500;
    }
    .field.inactive > label,
    .field.inactive .check label {
      color: var(--sbl-muted);
    }
    .check {
      display: flex;
      gap: 0.4rem;
      align-items: center;
      min-height: 2rem;
    }
    .pair {
      display: flex;
      gap: 0.4rem;
      align-items: center;
      flex-wrap: wrap;
    }
    .pair select {
      flex: 1 1 auto;
      min-width: 0;
    }
    .inline {
      display: inline-flex;
      gap: 0.25rem;
      align-items: center;
    }
    /* A class, not a style attribute: the Content-Security-Policy blocks inline styles. */
    .full-row {
      grid-column: 1 / -1;
    }
    .help {
      font-size: 0.8rem;
      color: var(--sbl-muted);
    }
    .problem {
      font-size: 0.85rem;
      color: var(--sbl-error);
    }
    .compare {
      display: grid;
      grid-template-columns: repeat(2, minmax(0, 1fr));
      gap: 0.4rem 1rem;
      padding: 0.2rem 0 0.4rem;
    }
    /* The settings that decide the lesson: two columns even on a phone, BN statistics on a row of its own. */
    .grid.lesson {
      grid-template-columns: repeat(2, minmax(0, 1fr));
      padding: 0.2rem 0 0.6rem;
    }
    .field[data-field='bnSync'] {
      grid-column: 1 / -1;
    }
    .with-slider {
      display: flex;
      flex-direction: column;
      gap: 0.2rem;
    }
    .slider {
      width: 100%;
      min-height: auto;
      padding: 0;
      border: none;
      background: none;
      accent-color: var(--sbl-accent);
    }
    .section-title {
      grid-column: 1 / -1;
      font-weight: 600;
      margin: 0;
    }
    .all-settings > .settings-note {
      margin: 0 0.7rem 0.3rem;
    }
    fieldset {
      border: none;
      border-top: 1px solid var(--sbl-border);
      margin: 0;
      padding: 0.3rem 0 0;
      min-width: 0;
    }
    legend {
      font-weight: 600;
      padding: 0 0.7rem;
    }
    .run-bar {
      position: sticky;
      bottom: 0;
      z-index: 1;
      padding: 0.6rem 0;
      background: var(--sbl-surface);
      border-top: 1px solid var(--sbl-border);
      display: flex;
      gap: 0.8rem;
      align-items: center;
      flex-wrap: wrap;
      margin-top: 0.8rem;
    }
    .run-bar .primary {
      font-size: 1.05rem;
      padding: 0.45rem 1.6rem;
    }
    ul.variants,
    ul.blockers {
      margin: 0.2rem 0 0;
      padding-left: 1.2rem;
    }
    #run-why {
      flex: 1 1 16rem;
      min-width: 0;
    }
  `,
];
