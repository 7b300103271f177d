import type { Buffer, Layer, Param, RunContext } from '../layer.ts';
import { isBatchStatLayer } from '../norm/batch-stat-layer.ts';
import type { Tensor } from '../tensor.ts';
import { expectMoments, expectReductions, type SyncGen } from './sync.ts';

/**
 * A stack of layers. Passes are generators that pause at each batch-statistic norm so the host
 * can merge statistics across devices; everything between sync points runs synchronously.
 */
export class Sequential {
  constructor(
    readonly layers: readonly Layer[],
    /** Per-sample input shape, e.g. [784] or [1, 28, 28]. */
    readonly inputShape: readonly number[],
  ) {
    const names = new Set<string>();
    for (const layer of layers) {
      if (names.has(layer.name))
        throw new Error(`Sequential: duplicate layer name "${layer.name}"`);
      names.add(layer.name);
    }
  }

  *forward(x: Tensor, ctx: RunContext): SyncGen<Tensor> {
    let h = x;
    for (const layer of this.layers) {
      if (isBatchStatLayer(layer) && layer.needsSync(ctx)) {
        const moments = layer.localMoments(h, ctx);
        const reply = yield { phase: 'moments', layer: layer.name, moments };
        h = layer.normalize(expectMoments(reply, layer.name), ctx);
      } else {
        h = layer.forward(h, ctx);
      }
    }
    return h;
  }

  *backward(dy: Tensor, ctx: RunContext): SyncGen<Tensor> {
    let g = dy;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i]!;
      if (isBatchStatLayer(layer) && layer.needsSync(ctx)) {
        const reductions = layer.localReductions(g, ctx);
        const reply = yield { phase: 'reductions', layer: layer.name, reductions };
        g = layer.inputGradient(expectReductions(reply, layer.name), ctx);
      } else {
        g = layer.backward(g, ctx);
      }
    }
    return g;
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  buffers(): Buffer[] {
    return this.layers.flatMap((l) => l.buffers());
  }

  outputShape(): number[] {
    let shape: readonly number[] = this.inputShape;
    for (const layer of this.layers) shape = layer.outputShape(shape);
    return [...shape];
  }
}
