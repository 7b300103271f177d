import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../src/core/layer.ts';
import { type GemmBackend, gemmBackend, setGemmBackend } from '../../../src/core/kernels/gemm.ts';
import { Conv2d } from '../../../src/core/layers/conv2d.ts';
import { Rng } from '../../../src/core/rng.ts';
import { tensor } from '../../../src/core/tensor.ts';
import { checkLayerGradients } from '../../helpers/gradcheck.ts';
import { maxScaledDiff, naiveConv2d } from './naive.ts';

const ctx: RunContext = { mode: 'training', step: 0 };
const input = (shape: number[], seed = 7) =>
  tensor(
    shape,
    Rng.stream(seed, 'x').fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))),
  );

// [n, inC, h, w, outC, k, stride, pad]
const CONFIGS: [number, number, number, number, number, number, number, number][] = [
  [2, 3, 6, 6, 4, 3, 1, 1],
  [2, 2, 7, 7, 3, 3, 2, 1],
  [3, 4, 5, 5, 2, 1, 1, 0],
  [1, 2, 6, 5, 3, 1, 2, 0],
  [2, 1, 5, 6, 2, 3, 1, 0],
  [1, 2, 4, 4, 2, 3, 2, 2],
];

describe('Conv2d', () => {
  it.each(CONFIGS)(
    'forward matches the direct 7-loop convolution (n=%i inC=%i %i×%i outC=%i k=%i s=%i p=%i)',
    (n, inC, h, w, outC, k, stride, padding) => {
      const layer = new Conv2d({
        name: 'conv',
        inChannels: inC,
        outChannels: outC,
        kernel: k,
        stride,
        padding,
        rng: Rng.stream(1, 'init'),
      });
      const x = input([n, inC, h, w]);
      const y = layer.forward(x, ctx);
      const ref = naiveConv2d(
        x.data,
        x.shape,
        layer.weight.value,
        layer.bias!.value,
        outC,
        k,
        stride,
        padding,
      );
      expect(y.shape).toEqual(ref.shape);
      expect(layer.outputShape([inC, h, w])).toEqual(ref.shape.slice(1));
      // float32 sums of ≤ 36 products: 1e-5 relative to (1 + |y|) is ~100 ulps of slack.
      expect(maxScaledDiff(y.data, ref.y)).toBeLessThan(1e-5);
    },
  );

  it.each(CONFIGS)(
    'gradients match central differences (n=%i inC=%i %i×%i outC=%i k=%i s=%i p=%i)',
    (n, inC, h, w, outC, k, stride, padding) => {
      const layer = new Conv2d({
        name: 'conv',
        inChannels: inC,
        outChannels: outC,
        kernel: k,
        stride,
        padding,
        rng: Rng.stream(2, 'init'),
      });
      // Affine in x and W, so central differences carry no truncation error at any ε; ε = 0.1
      // divides the float32 rounding noise (ulp(|y|)·√(outputs touched) / 2ε ≈ 3e-5 at ε = 1e-2)
      // by 10, leaving 1e-3 with wide margin.
      const res = checkLayerGradients(layer, input([n, inC, h, w], 3), { eps: 0.1 });
      expect(res.maxRelErr, res.summary).toBeLessThan(1e-3);
      expect(Object.keys(res.maxRelErrParams)).toEqual(['conv.weight', 'conv.bias']);
    },
  );

  it('gradients without bias, He init, at the CNN benchmark geometry (sampled)', () => {
    const layer = new Conv2d({
      name: 'c2',
      inChannels: 16,
      outChannels: 8,
      kernel: 3,
      padding: 1,
      bias: false,
      init: 'he',
      rng: Rng.stream(3, 'init'),
    });
    // Affine, so a larger ε is unbiased and shrinks the float32 noise of 144-term sums.
    const res = checkLayerGradients(layer, input([2, 16, 7, 7], 4), {
      maxChecksPerTensor: 150,
      eps: 0.1,
    });
    expect(res.maxRelErr, res.summary).toBeLessThan(1e-3);
    expect(layer.bias).toBeNull();
  });

  it('a batch of 0 gives an empty output and zero parameter gradients', () => {
    const layer = new Conv2d({
      name: 'conv',
      inChannels: 2,
      outChannels: 3,
      kernel: 3,
      padding: 1,
      rng: Rng.stream(4, 'init'),
    });
    layer.forward(input([2, 2, 5, 5]), ctx);
    layer.backward(input([2, 3, 5, 5], 8), ctx);
    const y = layer.forward(tensor([0, 2, 5, 5]), ctx);
    expect(y.shape).toEqual([0, 3, 5, 5]);
    const dx = layer.backward(tensor([0, 3, 5, 5]), ctx);
    expect(dx.shape).toEqual([0, 2, 5, 5]);
    expect(layer.weight.grad.every((v) => v === 0)).toBe(true);
    expect(layer.bias!.grad.every((v) => v === 0)).toBe(true);
  });

  it('backward overwrites gradients, and repeating it after one forward gives the same bits', () => {
    const layer = new Conv2d({
      name: 'conv',
      inChannels: 2,
      outChannels: 3,
      kernel: 3,
      stride: 2,
      padding: 1,
      rng: Rng.stream(5, 'init'),
    });
    const x = input([2, 2, 6, 6]);
    const dy = input([2, 3, 3, 3], 9);
    layer.forward(x, ctx);
    const dx1 = Float32Array.from(layer.backward(dy, ctx).data);
    const dw1 = Float32Array.from(layer.weight.grad);
    const dx2 = layer.backward(dy, ctx).data;
    expect([...dx2]).toEqual([...dx1]);
    expect([...layer.weight.grad]).toEqual([...dw1]);
  });

  it('inputGradient: false keeps parameter gradients and returns zeros', () => {
    const make = (inputGradient: boolean) =>
      new Conv2d({
        name: 'conv',
        inChannels: 1,
        outChannels: 4,
        kernel: 3,
        padding: 1,
        rng: Rng.stream(6, 'init'),
        inputGradient,
      });
    const [a, b] = [make(true), make(false)];
    const x = input([2, 1, 5, 5]);
    const dy = input([2, 4, 5, 5], 11);
    a.forward(x, ctx);
    a.backward(dy, ctx);
    b.forward(x, ctx);
    const dxb = b.backward(dy, ctx);
    expect([...b.weight.grad]).toEqual([...a.weight.grad]);
    expect([...b.bias!.grad]).toEqual([...a.bias!.grad]);
    expect(dxb.shape).toEqual([2, 1, 5, 5]);
    expect(dxb.data.every((v) => v === 0)).toBe(true);
  });

  it('rejects a wrong channel count and a kernel larger than the padded input', () => {
    const layer = new Conv2d({
      name: 'conv',
      inChannels: 2,
      outChannels: 3,
      kernel: 5,
      rng: Rng.stream(7, 'init'),
    });
    expect(() => layer.forward(tensor([1, 3, 6, 6]), ctx)).toThrow(/conv/);
    expect(() => layer.forward(tensor([1, 2, 4, 4]), ctx)).toThrow(/smaller/);
  });
});

describe('Conv2d backends', () => {
  // [n, inC, h, w, outC, k, stride, pad]: K-blocked products (C·k·k = 288 > 256; Ho·Wo = 400 > 256),
  // ragged tiles (outC = 5, Ho·Wo = 9), strides, k = 1 and wide padding; the bias (added in the
  // module's memory) and its gradient (channel sums) on both.
  const CASES: [number, number, number, number, number, number, number, number][] = [
    [3, 32, 5, 5, 5, 3, 1, 1],
    [2, 1, 20, 20, 6, 3, 1, 1],
    [2, 3, 7, 7, 4, 3, 2, 1],
    [2, 4, 5, 6, 3, 1, 1, 0],
    [1, 2, 3, 3, 2, 3, 1, 2],
    [0, 2, 5, 5, 3, 3, 1, 1],
    // Bias sums over 8 + 4 + 1 channel chains; the CNN's second convolution.
    [3, 2, 6, 6, 13, 3, 1, 1],
    [4, 16, 14, 14, 32, 3, 1, 1],
  ];

  it.each(CASES)(
    'WebAssembly (fused im2col) and JS paths give identical bits (n=%i inC=%i %i×%i outC=%i k=%i s=%i p=%i)',
    (n, inC, h, w, outC, k, stride, padding) => {
      const x = input([n, inC, h, w], 21);
      const run = (backend: GemmBackend, inputGradient: boolean) => {
        const prev = gemmBackend();
        setGemmBackend(backend);
        try {
          const layer = new Conv2d({
            name: 'c',
            inChannels: inC,
            outChannels: outC,
            kernel: k,
            stride,
            padding,
            rng: Rng.stream(9, 'init'),
            inputGradient,
          });
          const y = Float32Array.from(layer.forward(x, ctx).data);
          const dy = input([n, ...layer.outputShape([inC, h, w])], 22);
          // Run backward twice: the second must not depend on state the first consumed.
          layer.backward(dy, ctx);
          const dx = Float32Array.from(layer.backward(dy, ctx).data);
          return {
            y,
            dx,
            dw: Float32Array.from(layer.weight.grad),
            db: Float32Array.from(layer.bias!.grad),
          };
        } finally {
          setGemmBackend(prev);
        }
      };
      for (const inputGradient of [true, false]) {
        const a = run('wasm-simd', inputGradient);
        const b = run('js', inputGradient);
        for (const key of ['y', 'dx', 'dw', 'db'] as const) {
          const same = a[key].every((v, i) => Object.is(v, b[key][i]));
          expect(same, `${key} (inputGradient ${inputGradient})`).toBe(true);
          expect(a[key].length).toBe(b[key].length);
        }
      }
    },
  );

  it('a backend switch between forward and backward still gives the right gradients', () => {
    const layer = new Conv2d({
      name: 'c',
      inChannels: 2,
      outChannels: 3,
      kernel: 3,
      padding: 1,
      rng: Rng.stream(10, 'init'),
    });
    const x = input([2, 2, 5, 5], 23);
    const dy = input([2, 3, 5, 5], 24);
    layer.forward(x, ctx);
    layer.backward(dy, ctx);
    const dw = Float32Array.from(layer.weight.grad);
    layer.forward(x, ctx);
    setGemmBackend('js');
    try {
      layer.backward(dy, ctx);
    } finally {
      setGemmBackend('wasm-simd');
    }
    expect([...layer.weight.grad]).toEqual([...dw]);
  });
});
