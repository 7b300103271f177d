import * as tf from '@tensorflow/tfjs';

/**
 * Gradients of a stride-1 'same' conv (NHWC input, HWIO filter) built only from kernels the wasm
 * backend has: tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter, and its
 * Conv2DBackpropInput runs ~10× slower than its (XNNPACK) Conv2D, so both gradients are phrased
 * as forward convolutions (measured on wasm, conv2 of the CNN: dW 64 ms as im2col +
 * transposed matMul → 8 ms here; dx 40 ms as conv2dTranspose → 4 ms here).
 */

/** TF 'same' padding at stride 1: k − 1 in total, the odd pixel (even k) after. */
function samePads(k: number): [number, number] {
  const before = Math.floor((k - 1) / 2);
  return [before, k - 1 - before];
}

/**
 * dW[ky,kx,ci,co] = Σ_{n,y,x} xpad[n, y+ky, x+kx, ci] · dy[n, y, x, co] is itself a 'valid'
 * correlation once batch and channels swap roles: input xpad as [ci, Hp, Wp, n] (ci is the batch,
 * n the channels), filter dy as [H, W, n, co]; the [ci, kh, kw, co] result is transposed to HWIO.
 */
export function conv2dFilterGradSame(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  kh: number,
  kw: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const xpad = tf.pad(x, [[0, 0], samePads(kh), samePads(kw), [0, 0]]);
    const input = tf.transpose(xpad, [3, 1, 2, 0]);
    const filter = tf.transpose(dy, [1, 2, 0, 3]);
    return tf.transpose(tf.conv2d(input, filter, 1, 'valid'), [1, 2, 0, 3]);
  });
}

/**
 * dx = correlation of dy with the filter rotated by 180° and in/out channels swapped, padded by
 * the complement of the forward padding (identical to 'same' when k is odd).
 */
export function conv2dInputGradSame(dy: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filter.shape;
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    if (kh % 2 === 1 && kw % 2 === 1) return tf.conv2d(dy, flipped, 1, 'same');
    const [top, bottom] = samePads(kh);
    const [left, right] = samePads(kw);
    const padded = tf.pad(dy, [
      [0, 0],
      [bottom, top],
      [right, left],
      [0, 0],
    ]);
    return tf.conv2d(padded, flipped, 1, 'valid');
  });
}

/** Stride-1 'same' conv with the composed gradients above for both x and the filter. */
export const conv2dSameComposedGrad: (x: tf.Tensor4D, filter: tf.Tensor4D) => tf.Tensor4D =
  tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor4D;
    const filter = args[1] as tf.Tensor4D;
    const save = args[2] as tf.GradSaveFunc;
    save([x, filter]);
    return {
      value: tf.conv2d(x, filter, 1, 'same'),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const xs = saved[0] as tf.Tensor4D;
        const fs = saved[1] as tf.Tensor4D;
        return [
          conv2dInputGradSame(dy, fs),
          conv2dFilterGradSame(xs, dy, fs.shape[0], fs.shape[1]),
        ];
      },
    };
  }) as (x: tf.Tensor4D, filter: tf.Tensor4D) => tf.Tensor4D;

/**
 * As conv2dSameComposedGrad, for a conv whose input is data: x is closed over rather than an
 * input of the gradient node, so no dx is computed — as tfjs's tape does for its native conv.
 */
function conv2dSameComposedFilterOnlyGrad(x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const f = args[0] as tf.Tensor4D;
    return {
      value: tf.conv2d(x, f, 1, 'same'),
      gradFunc: (dy: tf.Tensor4D) => conv2dFilterGradSame(x, dy, f.shape[0], f.shape[1]),
    };
  });
  return op(filter) as tf.Tensor4D;
}

export type ConvGradPath = 'native' | 'composed';

/** tfjs's own conv gradient where the backend can run it, else the composed one. */
export function convGradPathFor(backend: string): ConvGradPath {
  return tf.getKernel('Conv2DBackpropFilter', backend) ? 'native' : 'composed';
}

export function conv2dSame(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  path: ConvGradPath,
  inputIsData = false,
): tf.Tensor4D {
  if (path === 'native') return tf.conv2d(x, filter, 1, 'same');
  return inputIsData
    ? conv2dSameComposedFilterOnlyGrad(x, filter)
    : conv2dSameComposedGrad(x, filter);
}
