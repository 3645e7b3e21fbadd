/** bandwidth: limits a stream to `rate` KB/s (1 KB = 1000 bytes), as Toxiproxy paces it. */
import { attr, interrupted, pause, type ToxicKind } from './types.ts'

/** Toxiproxy sends oversized chunks in pieces this often. */
const PIECE_INTERVAL_MS = 100

/** `bandwidth {rate}` in KB/s; rate 0 stalls the stream, a negative rate is refused by the API. */
export const bandwidthKind: ToxicKind = {
  type: 'bandwidth',
  goStruct: 'BandwidthToxic',
  // Toxiproxy 2.12 accepts a negative rate and then panics (a negative slice bound) on the next byte.
  attributes: [{ name: 'rate', goType: 'int64', min: 0, minWhy: '0 stalls the stream' }],
  bufferChunks: 0,
  closeOnRemove: false,
  lingerZero: false,
  create(attributes) {
    const rate = attr(attributes, 'rate') // bytes per ms, numerically
    const pieceBytes = rate * PIECE_INTERVAL_MS
    return async function* bandwidth(input, ctx) {
      // Sleep owed so far: each chunk adds len/rate ms and the debt carries over, so timer
      // lateness on one chunk is paid back on the next.
      let debtMs = 0
      for await (const chunk of input) {
        if (rate <= 0) {
          // Toxiproxy 2.12 sends rate×100 = 0-byte pieces every 100 ms for ever: the chunk is held
          // (and nothing more is read) until the toxic is changed or removed, then goes out whole.
          if (chunk.data.length > 0) await interrupted(ctx)
          yield chunk
          continue
        }
        debtMs += chunk.data.length / rate
        let data = chunk.data
        let stopped = false
        while (data.length > pieceBytes && !stopped) {
          stopped = !(await pause(ctx, PIECE_INTERVAL_MS))
          if (stopped) break
          yield { data: data.subarray(0, pieceBytes), receivedAt: chunk.receivedAt }
          data = data.subarray(pieceBytes)
          debtMs -= PIECE_INTERVAL_MS
        }
        if (!stopped) {
          const start = ctx.clock.now()
          await pause(ctx, debtMs)
          debtMs -= ctx.clock.now() - start
        }
        yield data === chunk.data ? chunk : { data, receivedAt: chunk.receivedAt }
      }
    }
  },
}
