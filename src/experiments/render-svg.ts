import { parse, type Spec as VegaSpec, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { FigureSpec } from './types.ts';

/**
 * A figure spec (Vega-Lite, or plain Vega) as a standalone SVG string. Vega's headless renderer
 * needs no canvas or DOM (text widths are estimated), so this runs in Node, a worker or a page.
 */
export async function renderSvg(spec: FigureSpec): Promise<string> {
  const vega = isVegaLite(spec) ? compile(spec).spec : spec;
  const view = new View(parse(vega), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function isVegaLite(spec: FigureSpec): spec is TopLevelSpec {
  const schema = (spec as { $schema?: unknown }).$schema;
  return typeof schema === 'string' ? schema.includes('vega-lite') : !('marks' in spec);
}

export type { VegaSpec };
