import { parse, type Spec as VegaSpec, View } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';
import { type ColorScheme, themed } from './theme.ts';
import type { FigureSpec } from './types.ts';

/**
 * A figure spec (Vega-Lite, or plain Vega) as a standalone SVG string, drawn for a colour scheme
 * (background and text; see theme.ts). Vega's headless renderer
 * needs no canvas or DOM (text widths are estimated), so this runs in Node, a worker or a page.
 */
export async function renderSvg(spec: FigureSpec, scheme: ColorScheme = 'light'): Promise<string> {
  const view = figureView(spec, scheme);
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * A headless Vega view of the figure (finalize it when done). Vega's expressions (scales, axis
 * labels, encodings) are interpreted from their parsed syntax trees instead of compiled with the
 * Function constructor: the app's Content-Security-Policy (src/csp.ts) allows no eval, in the
 * page or in the experiment worker that draws the figures. Same figures, in Node too.
 */
export function figureView(figure: FigureSpec, scheme: ColorScheme = 'light'): View {
  const spec = themed(figure, scheme);
  const vega = isVegaLite(spec) ? compile(spec).spec : spec;
  return new View(parse(vega, undefined, { ast: true }), {
    renderer: 'none',
    expr: expressionInterpreter,
  });
}

export function isVegaLite(spec: FigureSpec): spec is TopLevelSpec {
  const schema = (spec as { $schema?: unknown }).$schema;
  return typeof schema === 'string' ? schema.includes('vega-lite') : !('marks' in spec);
}

export type { VegaSpec };
