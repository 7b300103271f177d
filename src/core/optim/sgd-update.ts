import { activeWasmKernels } from '../kernels/gemm.ts';
import { InPlaceKernels } from '../kernels/in-place-kernels.ts';
import { SgdRule } from '../kernels/sgd-wasm.ts';

/**
 * One parameter's SGD update in place (PyTorch's torch.optim.SGD, dampening 0), in float64 on
 * float32 storage, rounded once per stored value. WebAssembly SIMD when the kernels are active
 * (the update runs over every parameter every step: a fifth of a small MLP's step as a JS
 * loop), else the JS loops below; both perform the same operations, so the same bits.
 */
export function sgdUpdate(
  w: Float32Array,
  grad: Float32Array,
  buf: Float32Array | null,
  lr: number,
  mu: number,
  wd: number,
  nesterov: boolean,
): void {
  const rule = !buf ? SgdRule.plain : wd === 0 && !nesterov ? SgdRule.momentum : SgdRule.general;
  const wasm = activeWasmKernels();
  let done = 0;
  if (wasm) {
    // In place when every array lives in one kernel memory (no copies), else through the
    // kernels' scratch.
    const inPlace = InPlaceKernels.of(w);
    if (inPlace?.holds(grad) && (!buf || inPlace.holds(buf))) {
      done = inPlace.sgd(w, grad, buf, rule, mu, lr, wd, nesterov);
    } else {
      wasm.sgdStep(w, grad, buf, rule, mu, lr, wd, nesterov);
      return;
    }
  }
  const n = w.length;
  if (!buf) {
    for (let i = done; i < n; i++) w[i]! -= lr * (grad[i]! + wd * w[i]!);
  } else if (rule === SgdRule.momentum) {
    // Specialized loops: this runs over every parameter each step, so no branch stays inside.
    for (let i = done; i < n; i++) {
      const b = mu * buf[i]! + grad[i]!;
      buf[i] = b;
      w[i] = w[i]! - lr * b;
    }
  } else {
    for (let i = done; i < n; i++) {
      const g = grad[i]! + wd * w[i]!;
      const b = mu * buf[i]! + g;
      buf[i] = b;
      w[i] = w[i]! - lr * (nesterov ? g + mu * b : b);
    }
  }
}
