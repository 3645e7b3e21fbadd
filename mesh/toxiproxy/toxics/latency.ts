/** latency: each chunk leaves `latency ± jitter` ms after it was read; pipelined, so throughput is kept. */
import { attr, pause, type ToxicKind } from './types.ts'

/** `latency {latency, jitter}` in ms. Jitter is uniform in [-jitter, +jitter). */
export const latencyKind: ToxicKind = {
  type: 'latency',
  goStruct: 'LatencyToxic',
  attributes: [
    { name: 'latency', goType: 'int64' },
    { name: 'jitter', goType: 'int64' },
  ],
  // Chunks wait in this buffer while earlier ones are delayed; their read time keeps counting,
  // so a stream is shifted by the latency rather than slowed by it.
  bufferChunks: 1024,
  closeOnRemove: false,
  lingerZero: false,
  create(attributes) {
    const latencyMs = attr(attributes, 'latency')
    const jitterMs = attr(attributes, 'jitter')
    return async function* latency(input, ctx) {
      for await (const chunk of input) {
        const delayMs = latencyMs + (jitterMs > 0 ? Math.floor(ctx.random() * 2 * jitterMs) - jitterMs : 0)
        const releaseAt = chunk.receivedAt + delayMs
        const waitMs = releaseAt - ctx.clock.now()
        if (waitMs > 0 && (await pause(ctx, waitMs))) {
          // Restamped with its release time, so a second latency toxic adds to this one.
          yield { data: chunk.data, receivedAt: releaseAt }
        } else if (waitMs > 0) {
          yield chunk // interrupted: forward now, never drop what we hold
        } else {
          yield { data: chunk.data, receivedAt: ctx.clock.now() }
        }
      }
    }
  },
}
