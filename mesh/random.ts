/** Seeded randomness: every percentage, weight, jitter and load-balancer draw comes from here. */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number

/**
 * One seed per mesh; each consumer takes its own named stream, so adding a consumer or
 * reordering construction does not change the draws another consumer sees.
 */
export interface RandomSource {
  readonly seed: number
  stream(label: string): Random
}

export function randomSource(seed: number): RandomSource {
  return {
    seed,
    stream: (label) => sfc32(seed, hashString(label)),
  }
}

/** sfc32: small, fast, and good enough for simulation (not for cryptography). */
export function sfc32(seed: number, salt = 0): Random {
  let a = 0x9e3779b9 ^ seed
  let b = 0x243f6a88 ^ salt
  let c = 0xb7e15162 ^ Math.imul(seed, 31)
  let d = 1
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 16; i++) next() // discard the weak first outputs
  return next
}

/** FNV-1a, to turn a label into a 32-bit salt. */
export function hashString(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A seed for runs where the user gave none, printed so the run can be replayed. */
export const freshSeed = (): number => Math.floor(Math.random() * 1_000_000)
