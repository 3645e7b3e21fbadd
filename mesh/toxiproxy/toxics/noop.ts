/** noop: passes everything through. Also what runs when a toxic loses its toxicity draw. */
import type { Toxic, ToxicKind } from './types.ts'

/** The pass-through transformer. */
export const passThrough: Toxic = async function* noop(input) {
  yield* input
}

/** `noop {}`: accepted by the API, changes nothing. */
export const noopKind: ToxicKind = {
  type: 'noop',
  goStruct: 'NoopToxic',
  attributes: [],
  bufferChunks: 0,
  closeOnRemove: false,
  lingerZero: false,
  create: () => passThrough,
}
