/**
 * timeout: drops all data on the stream; closes the connection after `timeout` ms without an
 * incoming chunk (0 = never: a blackhole). Removing it closes the connection too.
 */
import { attr, type ToxicKind } from './types.ts'

/** `timeout {timeout}` in ms. */
export const timeoutKind: ToxicKind = {
  type: 'timeout',
  goStruct: 'TimeoutToxic',
  attributes: [{ name: 'timeout', goType: 'int64' }],
  bufferChunks: 0,
  // Toxiproxy's Cleanup: a connection that has been blackholed can't carry on as if nothing happened.
  closeOnRemove: true,
  lingerZero: false,
  create(attributes) {
    const timeoutMs = attr(attributes, 'timeout')
    return async function* timeout(input, ctx) {
      if (timeoutMs <= 0) {
        for await (const dropped of input) void dropped
        return
      }
      const chunks = input[Symbol.asyncIterator]()
      for (;;) {
        const quiet = new AbortController() // disarms this round's timer when a chunk arrives
        const expired = ctx.clock.sleep(timeoutMs, AbortSignal.any([ctx.signal, quiet.signal])).then(
          () => true,
          () => false,
        )
        const next = await Promise.race([chunks.next(), expired])
        quiet.abort()
        if (next === true) {
          await chunks.return?.() // stop waiting for input; returning ends the stream
          return
        }
        if (next === false || next.done) return // interrupted, or end of input
        // The chunk is dropped on the floor; the quiet period starts again.
      }
    }
  },
}
