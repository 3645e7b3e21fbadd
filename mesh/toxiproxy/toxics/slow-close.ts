/** slow_close: data passes unchanged; the close is held back `delay` ms after the input ends. */
import { attr, pause, type ToxicKind } from './types.ts'

/** `slow_close {delay}` in ms. */
export const slowCloseKind: ToxicKind = {
  type: 'slow_close',
  goStruct: 'SlowCloseToxic',
  attributes: [{ name: 'delay', goType: 'int64' }],
  bufferChunks: 0,
  closeOnRemove: false,
  lingerZero: false,
  create(attributes) {
    const delayMs = attr(attributes, 'delay')
    return async function* slowClose(input, ctx) {
      yield* input
      // Input ended: end of stream unless we were interrupted (then the restarted run waits again).
      if (!ctx.signal.aborted) await pause(ctx, delayMs)
    }
  },
}
