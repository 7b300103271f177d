/**
 * Constants the float64-on-float32 kernels share: how four float32 lanes are widened as two
 * float64 pairs and narrowed back.
 */

/** −0.0 in both f64 lanes: −0 + v = v for every v (−0 included), so a sum can start from it. */
export const NEG_ZERO_F64X2 = [0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x80];
/** i8x16.shuffle lanes moving f32 lanes 2 and 3 to lanes 0 and 1, for promote_low. */
export const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
/** i8x16.shuffle lanes joining f32 lanes 0, 1 of a and 0, 1 of b (two demoted pairs). */
export const JOIN_LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
