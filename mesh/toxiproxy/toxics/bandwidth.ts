/** bandwidth: limits a stream to `rate` KB/s (1 KB = 1000 bytes), as Toxiproxy paces it. */
import { attr, pause, type ToxicKind } from './types.ts'

/** Toxiproxy sends oversized chunks in pieces this often. */
const PIECE_INTERVAL_MS = 100

/** `bandwidth {rate}` in KB/s; rate ≤ 0 means unlimited. */
export const bandwidthKind: ToxicKind = {
  type: 'bandwidth',
  goStruct: 'BandwidthToxic',
  attributes: [{ name: 'rate', goType: 'int64' }],
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
          debtMs = 0
          yield chunk
          continue
        }
        debtMs += chunk.data.length / rate
        let data = chunk.data
        let interrupted = false
        while (data.length > pieceBytes && !interrupted) {
          interrupted = !(await pause(ctx, PIECE_INTERVAL_MS))
          if (interrupted) break
          yield { data: data.subarray(0, pieceBytes), receivedAt: chunk.receivedAt }
          data = data.subarray(pieceBytes)
          debtMs -= PIECE_INTERVAL_MS
        }
        if (!interrupted) {
          const start = ctx.clock.now()
          await pause(ctx, debtMs)
          debtMs -= ctx.clock.now() - start
        }
        yield data === chunk.data ? chunk : { data, receivedAt: chunk.receivedAt }
      }
    }
  },
}
