import type { Page } from 'playwright-core';

/**
 * Finding English left on a page shown in Chinese (issue #12: "a rendered zh-CN page shows no
 * untranslated UI string"). The page's text is read through every shadow root (the app's elements
 * render in theirs), as the reader sees it: visible text, aria-labels, titles and placeholders.
 */

/** One piece of text on the page and where it sits (the element's tag and test id). */
export interface PageText {
  readonly text: string;
  readonly where: string;
}

/**
 * Words that stay as they are in Chinese text: names of methods, papers' authors, products,
 * units and code. A run of English words outside this list is untranslated.
 */
export const KEPT_IN_CHINESE: ReadonlySet<string> = new Set(
  [
    'syncbn-lab',
    'SyncBN',
    'BN',
    'BatchNorm',
    'GroupNorm',
    'LayerNorm',
    'InstanceNorm',
    'PreciseBN',
    'Batch',
    'Renorm',
    'EMA',
    'DDP',
    'PyTorch',
    'SyncBatchNorm',
    'MNIST',
    'MLP',
    'CNN',
    'GPU',
    'GPUs',
    'CPU',
    'SGD',
    'Adam',
    'AdamW',
    'Nesterov',
    'ReLU',
    'relu',
    'tanh',
    'sigmoid',
    'IID',
    'iid',
    'non-IID',
    'Dirichlet',
    'WebAssembly',
    'SIMD',
    'SharedArrayBuffer',
    'Atomics',
    'MessagePort',
    'IndexedDB',
    'JSON',
    'English',
    'lr',
    'pp',
    'ms',
    's',
    'MB',
    'GB',
    'KB',
    'et',
    'al',
    'Fig',
    'Ioffe',
    'Szegedy',
    'Wu',
    'He',
    'Santurkar',
    'LeCun',
    'Hsieh',
    'Yong',
    'Ba',
    'Ulyanov',
    'Salimans',
    'Kingma',
    'Miyato',
    'Ctrl',
    'Enter',
    'Tab',
    'rank0',
    'mean',
    'sync',
    'local',
    'group',
    'x',
    'K',
    'b',
    'N',
    'C',
    'H',
    'W',
    'μ',
    'σ',
    'γ',
    'β',
  ].map((w) => w.toLowerCase()),
);

/** Runs of two or more Latin-script words not in `kept` (single words: names, units, symbols). */
export function englishRuns(text: string, kept: ReadonlySet<string> = KEPT_IN_CHINESE): string[] {
  const runs: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length >= 2) runs.push(current.join(' '));
    current = [];
  };
  // Words: Latin letters with inner apostrophes or hyphens, quotes and punctuation around them
  // stripped; anything else (Chinese, numbers, symbols) ends a run.
  for (const token of text.split(/\s+/)) {
    const bare = token.replace(/^[(“"‘]+/, '').replace(/[.,:;!?)”"’]+$/, '');
    const word = /^[A-Za-z](?:[A-Za-z'’-]*[A-Za-z])?$/.exec(bare)?.[0];
    if (!word || kept.has(word.toLowerCase())) {
      flush();
      continue;
    }
    current.push(word);
    // A sentence's end ends the run too, so each sentence left in English is named on its own.
    if (/[.:;!?]$/.test(token)) flush();
  }
  flush();
  return runs;
}

/**
 * Every piece of text the reader can see or hear on the page, through shadow roots; with
 * `within` (a tag name, e.g. "sbl-experiments"), only inside the first such element, wherever it
 * sits among the shadow roots.
 */
export async function pageTexts(page: Page, within?: string): Promise<PageText[]> {
  return page.evaluate((within) => {
    const found: { text: string; where: string }[] = [];
    const label = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}`;
    const visible = (el: Element) => {
      const box = (el as HTMLElement).getBoundingClientRect?.();
      const style = getComputedStyle(el);
      return (
        !!box &&
        style.visibility !== 'hidden' &&
        style.display !== 'none' &&
        (box.width > 0 || box.height > 0)
      );
    };
    const visit = (root: Document | ShadowRoot | Element) => {
      for (const node of Array.from(root.childNodes)) {
        if (node.nodeType === Node.TEXT_NODE) {
          const parent = node.parentElement;
          const text = node.textContent?.trim();
          if (text && parent && !['SCRIPT', 'STYLE'].includes(parent.tagName) && visible(parent))
            found.push({ text, where: label(parent) });
        } else if (node instanceof Element) {
          for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
            const value = node.getAttribute(attr)?.trim();
            if (value) found.push({ text: value, where: `${label(node)}@${attr}` });
          }
          if (node.shadowRoot) visit(node.shadowRoot);
          visit(node);
        }
      }
    };
    const find = (root: Document | ShadowRoot | Element, tag: string): Element | null => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        if (el.tagName.toLowerCase() === tag) return el;
        const inner = el.shadowRoot ? find(el.shadowRoot, tag) : null;
        if (inner) return inner;
      }
      return null;
    };
    if (!within) visit(document);
    else {
      const host = find(document, within.toLowerCase());
      if (!host) throw new Error(`no <${within}> on the page`);
      visit(host.shadowRoot ?? host);
    }
    return found;
  }, within);
}

/** The English left on the page: each piece of text with a run of untranslated words in it. */
export async function untranslatedTexts(
  page: Page,
  kept: ReadonlySet<string> = KEPT_IN_CHINESE,
  within?: string,
): Promise<PageText[]> {
  return (await pageTexts(page, within)).filter((t) => englishRuns(t.text, kept).length > 0);
}
