/**
 * reset_peer: on the first chunk (or end of input) waits `timeout` ms, drops the data and closes.
 * Connections established while the toxic exists have SO_LINGER 0, so that close is a TCP RST.
 */
import { attr, type ToxicKind } from './types.ts'

/** `reset_peer {timeout}` in ms. */
export const resetPeerKind: ToxicKind = {
  type: 'reset_peer',
  goStruct: 'ResetToxic',
  attributes: [{ name: 'timeout', goType: 'int64' }],
  bufferChunks: 0,
  closeOnRemove: false,
  lingerZero: true,
  create(attributes) {
    const timeoutMs = attr(attributes, 'timeout')
    return async function* resetPeer(input, ctx) {
      const first = await input[Symbol.asyncIterator]().next()
      if (first.done && ctx.signal.aborted) return // interrupted before anything arrived
      // Committed: like Toxiproxy, an update or removal no longer stops this reset.
      ctx.endStream()
      if (timeoutMs > 0) await ctx.clock.sleep(timeoutMs, ctx.closed).catch(() => {})
    }
  },
}
