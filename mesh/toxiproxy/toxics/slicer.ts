/** slicer: splits each chunk into pieces of about `average_size` bytes, `delay` µs apart. */
import type { Random } from '../../random.ts'
import { attr, pause, type ToxicKind } from './types.ts'

/** `slicer {average_size, size_variation, delay}`; delay in microseconds. */
export const slicerKind: ToxicKind = {
  type: 'slicer',
  goStruct: 'SlicerToxic',
  attributes: [
    { name: 'average_size', goType: 'int' },
    { name: 'size_variation', goType: 'int' },
    { name: 'delay', goType: 'int' },
  ],
  bufferChunks: 0,
  closeOnRemove: false,
  lingerZero: false,
  create(attributes) {
    const averageSize = attr(attributes, 'average_size')
    const variation = Math.max(0, attr(attributes, 'size_variation'))
    const delayMs = attr(attributes, 'delay') / 1000
    return async function* slicer(input, ctx) {
      // Timers can't wait less than 1 ms, so sub-millisecond delays are owed up and paid in
      // whole milliseconds: the pacing averages out to what was asked for.
      let owedMs = 0
      for await (const chunk of input) {
        const ends = sliceEnds(chunk.data.length, averageSize, variation, ctx.random)
        let start = 0
        for (const end of ends) {
          yield { data: chunk.data.subarray(start, end), receivedAt: chunk.receivedAt }
          start = end
          owedMs += delayMs
          let interrupted = ctx.signal.aborted
          if (!interrupted && owedMs >= 1) {
            const before = ctx.clock.now()
            interrupted = !(await pause(ctx, owedMs))
            owedMs -= ctx.clock.now() - before
          }
          if (interrupted) {
            // Forward the rest at once: never drop what we hold.
            if (start < chunk.data.length) yield { data: chunk.data.subarray(start), receivedAt: chunk.receivedAt }
            break
          }
        }
      }
    }
  },
}

/**
 * Toxiproxy's slicing: halve until a piece is within `average + variation`, jittering each
 * midpoint by ±variation. Returns the end offset of each piece, in order. Midpoints are kept
 * strictly inside their range (Toxiproxy can cut outside it when variation ≥ average).
 */
export function sliceEnds(size: number, averageSize: number, variation: number, random: Random): number[] {
  // Toxiproxy recurses forever (and crashes) on average_size 0; a piece is at least one byte.
  const average = Math.max(1, averageSize)
  const ends: number[] = []
  const stack: Array<[number, number]> = [[0, size]] // explicit stack: deep jitter can't blow the call stack
  while (stack.length > 0) {
    const [start, end] = stack.pop()!
    if (end - start - average <= variation) {
      if (end > start) ends.push(end)
      continue
    }
    let mid = start + Math.floor((end - start) / 2)
    if (variation > 0) mid += Math.floor(random() * variation * 2) - variation
    mid = Math.min(end - 1, Math.max(start + 1, mid))
    stack.push([mid, end], [start, mid]) // left half first
  }
  return ends
}
