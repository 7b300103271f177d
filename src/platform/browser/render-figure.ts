import type { View } from 'vega';
import { figureView, renderSvg } from '../../experiments/kit/render-svg.ts';
import type { ColorScheme } from '../../experiments/kit/theme.ts';
import type { FigureSpec } from '../../experiments/kit/types.ts';

/** A figure to show: the image and its size in CSS pixels (a PNG holds SCALE× as many). */
export interface FigureImage {
  readonly blob: Blob;
  readonly width: number;
  readonly height: number;
}

/** Pixels per CSS pixel of the raster figure: sharp on high-density screens, small enough to move. */
const SCALE = 2;

/**
 * A figure as an image the page can show without work of its own: a PNG drawn here, in the
 * worker, on an OffscreenCanvas. As an SVG image the page had to parse, style and lay out every
 * mark on its own thread (22–44 ms a figure); a PNG is decoded off the page's thread. Where a
 * worker has no OffscreenCanvas, the SVG (as a Blob) is the fallback. The page passes its colour
 * scheme: a worker cannot read prefers-color-scheme.
 */
export async function renderFigure(
  spec: FigureSpec,
  scheme: ColorScheme = 'light',
): Promise<FigureImage> {
  const svg = await renderSvg(spec, scheme);
  const { width, height } = svgSize(svg);
  const asSvg = { blob: new Blob([svg], { type: 'image/svg+xml' }), width, height };
  if (typeof OffscreenCanvas === 'undefined') return asSvg;
  const canvas = new OffscreenCanvas(Math.ceil(width * SCALE), Math.ceil(height * SCALE));
  const context = canvas.getContext('2d');
  if (!context) return asSvg;
  const view = figureView(spec, scheme);
  try {
    // Vega draws into a context it is given (externalContext) instead of making a DOM canvas.
    await view.toCanvas(SCALE, { externalContext: context } as unknown as Parameters<
      View['toCanvas']
    >[1]);
  } finally {
    view.finalize();
  }
  return { blob: await canvas.convertToBlob({ type: 'image/png' }), width, height };
}

/** The size Vega gave the SVG root (CSS pixels). */
function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(width > 0 && height > 0)) throw new Error('the figure has no size');
  return { width, height };
}
