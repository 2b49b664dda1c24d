/**
 * The typed-array layouts the decision index shares between its parts: the grant arena's slots,
 * the principal records, and the 64-bit scope summaries.
 */

/** Numbers per grant slot in the arena `A`: startAt, endAt (Infinity = permanent), scope number, role number. */
export const F = 4;
/** Int32s per principal record in `M`. */
export const R = 8;
/** Record fields: its block in the arena (offset, length, capacity), ... */
export const OFF = 0;
export const LEN = 1;
export const CAP = 2;
/** ... a mark for graph walks, ... */
export const MARK = 3;
/** ... its cached closure in `C` (offset, length; -1 = not computed), ... */
export const C_OFF = 4;
export const C_LEN = 5;
/** ... and the 64-bit summary of the scopes its grants sit at. */
export const MASK_LO = 6;
export const MASK_HI = 7;

export const pow2AtLeast = (n: number): number => (n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n)));
/** A scope number's bit in a 64-bit summary, as [low word bit, high word bit]. */
export const bitLo = (scope: number): number => ((scope & 63) < 32 ? 1 << (scope & 31) : 0);
export const bitHi = (scope: number): number => ((scope & 63) >= 32 ? 1 << (scope & 31) : 0);
