/** limit_data: forwards at most `bytes` per connection on this stream, then closes it. */
import { attr, type ToxicKind } from './types.ts'

/** `limit_data {bytes}`. The count survives updates and restarts; 0 closes on the first data. */
export const limitDataKind: ToxicKind = {
  type: 'limit_data',
  goStruct: 'LimitDataToxic',
  attributes: [{ name: 'bytes', goType: 'int64' }],
  bufferChunks: 0,
  closeOnRemove: false,
  lingerZero: false,
  create(attributes) {
    const limit = attr(attributes, 'bytes')
    return async function* limitData(input, ctx) {
      for await (const chunk of input) {
        const remaining = Math.max(0, limit - (ctx.state.transmitted ?? 0))
        const data = remaining < chunk.data.length ? chunk.data.subarray(0, remaining) : chunk.data
        if (data.length > 0) {
          yield data === chunk.data ? chunk : { data, receivedAt: chunk.receivedAt }
          ctx.state.transmitted = (ctx.state.transmitted ?? 0) + data.length
        }
        if (limit - (ctx.state.transmitted ?? 0) <= 0) return // returning ends the stream: the connection closes
      }
    }
  },
}
