import { css } from 'lit';
import { sharedStyles } from '../styles.ts';

/** What every step's element shares: its text, the "try this" prompt, controls and SVG charts. */
export const stepStyles = [
  sharedStyles,
  css`
    :host {
      display: block;
    }
    .try {
      border-left: 4px solid var(--sbl-accent);
      background: var(--sbl-surface-2);
      padding: 0.5rem 0.75rem;
      border-radius: 0 6px 6px 0;
      margin: 0.75rem 0;
    }
    .controls {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1.25rem;
      align-items: center;
      margin: 0.5rem 0;
    }
    .control {
      display: flex;
      flex-direction: column;
      gap: 0.15rem;
      min-width: 0;
    }
    .control input[type='range'] {
      width: 14rem;
      max-width: 100%;
    }
    .check {
      display: flex;
      gap: 0.4rem;
      align-items: center;
    }
    .widget {
      display: flex;
      flex-wrap: wrap;
      gap: 1rem;
      align-items: flex-start;
    }
    figure {
      margin: 0;
      min-width: 0;
    }
    /* Small multiples: two a row on a phone, four on a desktop. */
    .hists {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr));
      gap: 0.75rem;
      margin: 0.5rem 0;
    }
    .widget > .readout {
      flex: 1 1 16rem;
      min-width: 0;
    }
    .widget > figure {
      flex: 1 1 15rem;
      max-width: 22rem;
    }
    figcaption {
      font-size: 0.85rem;
      color: var(--sbl-muted);
    }
    svg.chart {
      display: block;
      width: 100%;
      height: auto;
      max-width: 22rem;
      background: var(--sbl-bg);
      border: 1px solid var(--sbl-border);
      border-radius: 6px;
    }
    svg text {
      fill: var(--sbl-muted);
      font-size: 11px;
      font-family: var(--sbl-font);
    }
    .axis {
      stroke: var(--sbl-border);
      stroke-width: 1;
    }
    .contour {
      fill: none;
      stroke: var(--sbl-muted);
      stroke-width: 1;
      opacity: 0.7;
    }
    .path {
      fill: none;
      stroke: var(--sbl-error);
      stroke-width: 2;
    }
    .start {
      fill: var(--sbl-error);
    }
    .minimum {
      fill: none;
      stroke: var(--sbl-ok);
      stroke-width: 2;
    }
    .bar {
      fill: var(--sbl-accent);
      opacity: 0.8;
    }
    .bar.after {
      fill: var(--sbl-ok);
    }
    .dot {
      fill: var(--sbl-accent);
      opacity: 0.75;
    }
    .dot.hat {
      fill: var(--sbl-ok);
    }
    .dot.out {
      fill: var(--sbl-error);
    }
    .line {
      fill: none;
      stroke: var(--sbl-accent);
      stroke-width: 1.5;
    }
    .line.faint {
      stroke-dasharray: 3 3;
      opacity: 0.8;
    }
    fieldset.controls {
      border: 1px solid var(--sbl-border);
      border-radius: 6px;
      padding: 0.4rem 0.75rem;
    }
    .reference {
      stroke: var(--sbl-ok);
      stroke-width: 1.5;
      stroke-dasharray: 5 4;
    }
    .results {
      margin: 0.5rem 0;
      padding-left: 1.2rem;
    }
    .results li {
      margin-bottom: 0.25rem;
    }
    .table-wrap {
      overflow-x: auto;
      max-width: 100%;
    }
    td.num,
    th.num {
      text-align: right;
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
  `,
];
