import { css } from 'lit';
import { sharedStyles } from '../styles.ts';

/** The styles of `<sbl-app>` (the page shell and its two-column layout), kept out of the component so it reads as what it renders. */
export const appStyles = [
  sharedStyles,
  css`
    :host {
      display: block;
      max-width: 96rem;
      margin: 0 auto;
      padding: 1rem 1.25rem 3rem;
    }
    /* Out of sight until the keyboard reaches it: the first Tab of the page, a shortcut to Run. */
    .skip-link {
      position: absolute;
      left: -10000px;
      top: auto;
    }
    .skip-link:focus {
      position: static;
      margin-bottom: 0.4rem;
    }
    header {
      position: relative;
    }
    /* Top right, out of the title's way, at every width. */
    sbl-locale-switch {
      float: right;
      margin: 0 0 0.3rem 0.8rem;
    }
    header h1 {
      font-size: 1.6rem;
      margin: 0 0 0.3rem;
    }
    /* A phone: the first screen must hold the sentence, the deciding controls and Run. */
    @media (max-width: 40rem) {
      :host {
        padding: 0.75rem 0.75rem 2rem;
      }
      header h1 {
        font-size: 1.3rem;
      }
      .layout > .card {
        padding: 0.75rem;
      }
    }
    .env {
      display: flex;
      flex-wrap: wrap;
      gap: 0.3rem 1.5rem;
      margin: 0.2rem 0;
    }
    .env summary {
      cursor: pointer;
      flex-basis: 100%;
    }
    .offer {
      border: 1px solid var(--sbl-border);
      border-radius: 6px;
      padding: 0.6rem 0.8rem;
      margin-bottom: 1rem;
    }
    .offer p {
      margin: 0 0 0.5rem;
    }
    .banner {
      border: 1px solid var(--sbl-error);
      background: var(--sbl-warn-bg);
      border-radius: 8px;
      padding: 0.6rem 0.8rem;
      margin: 0.8rem 0;
    }
    .layout {
      display: grid;
      grid-template-columns: minmax(22rem, 34rem) minmax(0, 1fr);
      gap: 1rem;
      align-items: start;
      margin-top: 1rem;
    }
    @media (max-width: 62rem) {
      .layout {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    .layout > .card {
      min-width: 0;
    }
    /* Side by side, the form scrolls by itself, so Run and the training view both stay in sight. */
    @media (min-width: 62.01rem) {
      .layout > .setup {
        position: sticky;
        top: 0.5rem;
        max-height: calc(100vh - 1rem);
        overflow-y: auto;
        padding-bottom: 0;
      }
    }
    section.card,
    sbl-compare-view {
      margin-top: 1rem;
    }
    /* Below the fold while a run trains: the browser skips their style, layout and paint
       (each frame of the live view otherwise walks them too) until they scroll into view. */
    section.card {
      content-visibility: auto;
      contain-intrinsic-size: auto 40rem;
    }
  `,
];
