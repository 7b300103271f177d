/**
 * Lane patterns for the hand-assembled SIMD kernels: i8x16.shuffle byte indices (0–15 pick from
 * the first vector, 16–31 from the second) and i32x4 constants as v128.const bytes.
 */

/** −0.0 in both f64 lanes: −0 + v = v for every v (−0 included), so a sum can start from it. */
export const NEG_ZERO_F64X2 = [0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x80];
/** f32 lanes 2 and 3 moved to lanes 0 and 1 (both halves), for f64x2.promote_low. */
export const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
/** f32 lanes 0, 1 of a and 0, 1 of b: two demoted f64x2 pairs joined into one f32x4. */
export const JOIN_LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
/** The high halves of a and b joined: (a2, a3, b2, b3). */
export const JOIN_HIGH_HALVES = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];
/** f32 lanes 0, 1 of a and b interleaved: (a0, b0, a1, b1). */
export const INTERLEAVE_LOW = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
/** f32 lanes 2, 3 of a and b interleaved: (a2, b2, a3, b3). */
export const INTERLEAVE_HIGH = [8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31];
/** The even f32 lanes of a‖b: elements 0, 2, 4, 6 of eight consecutive values. */
export const EVEN_LANES = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
/** The odd f32 lanes of a‖b: elements 1, 3, 5, 7. */
export const ODD_LANES = [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31];

/** Little-endian bytes of four i32 lanes, for v128.const. */
export function i32x4Bytes(lanes: readonly number[]): number[] {
  const out: number[] = [];
  for (const v of lanes) out.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
  return out;
}
