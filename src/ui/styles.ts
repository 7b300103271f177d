import { css } from 'lit';
import { cssProps } from './css-props.ts';

/**
 * Styles every component adopts. Colours come from the custom properties set on :root in
 * src/page.css (light and dark), which inherit into shadow roots.
 */
export const sharedStyles = css`
  :host {
    color: var(--sbl-fg);
    font: 15px/1.5 var(--sbl-font);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h2,
  h3 {
    line-height: 1.25;
    margin: 0 0 0.5rem;
  }
  h2 {
    font-size: 1.25rem;
  }
  h3 {
    font-size: 1.05rem;
  }
  p {
    margin: 0 0 0.5rem;
  }
  button {
    font: inherit;
    font-size: 0.95rem;
    color: var(--sbl-fg);
    background: var(--sbl-surface-2);
    border: 1px solid var(--sbl-border);
    border-radius: 6px;
    padding: 0.35rem 0.8rem;
    cursor: pointer;
    min-height: 2rem;
  }
  button:hover:not(:disabled) {
    border-color: var(--sbl-accent);
  }
  button.primary {
    background: var(--sbl-accent);
    border-color: var(--sbl-accent);
    color: var(--sbl-accent-fg);
    font-weight: 600;
  }
  button.danger {
    color: var(--sbl-error);
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 3px solid var(--sbl-focus);
    outline-offset: 2px;
  }
  input,
  select {
    font: inherit;
    font-size: 0.95rem;
    color: var(--sbl-fg);
    background: var(--sbl-bg);
    border: 1px solid var(--sbl-border);
    border-radius: 5px;
    padding: 0.25rem 0.4rem;
    min-height: 2rem;
    max-width: 100%;
  }
  input[type='checkbox'] {
    min-height: auto;
    width: 1.1rem;
    height: 1.1rem;
    accent-color: var(--sbl-accent);
  }
  input[aria-invalid='true'],
  select[aria-invalid='true'] {
    border-color: var(--sbl-error);
    box-shadow: 0 0 0 1px var(--sbl-error);
  }
  .muted {
    color: var(--sbl-muted);
  }
  .small {
    font-size: 0.85rem;
  }
  .error {
    color: var(--sbl-error);
  }
  .ok {
    color: var(--sbl-ok);
  }
  .notice {
    border: 1px solid var(--sbl-error);
    background: var(--sbl-error-bg);
    border-radius: 8px;
    padding: 0.6rem 0.8rem;
    margin: 0.5rem 0;
  }
  .card {
    background: var(--sbl-surface);
    border: 1px solid var(--sbl-border);
    border-radius: 10px;
    padding: 1rem;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 0.35rem 0.5rem;
    border-bottom: 1px solid var(--sbl-border);
    vertical-align: middle;
  }
  th {
    font-weight: 600;
  }
  .num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/** The progress bar of a study (its runs) and of a literature experiment (`.bar` > `.fill`, then `.progress-line`). */
/**
 * The progress bar's fill for `percent` (bind it as `style=${fillStyle(percent)}`), set through
 * the CSSOM: a `style="…"` attribute would be an inline style, which the Content-Security-Policy
 * blocks (see css-props.ts).
 */
export function fillStyle(percent: number) {
  return cssProps({ transform: `scaleX(${percent / 100})` });
}

export const progressStyles = css`
  .bar {
    position: relative;
    height: 1.3rem;
    border-radius: 999px;
    background: var(--sbl-surface-2);
    border: 1px solid var(--sbl-border);
    overflow: hidden;
  }
  /* Grows by scaleX, not width: a transform transition runs on the compositor, while a width
     transition re-laid out and re-painted the page on every frame (~55 frames a second). */
  .fill {
    position: absolute;
    inset: 0;
    background: var(--sbl-accent);
    transform-origin: left center;
    transition: transform 0.2s linear;
  }
  @media (prefers-reduced-motion: reduce) {
    .fill {
      transition: none;
    }
  }
  .progress-line {
    display: flex;
    justify-content: space-between;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin: 0.3rem 0 0.6rem;
    font-variant-numeric: tabular-nums;
  }
`;
