/** The toxic types Toxiproxy 2.12 knows, by API name. A constant table, not a mutable registry. */
import { bandwidthKind } from './bandwidth.ts'
import { latencyKind } from './latency.ts'
import { limitDataKind } from './limit-data.ts'
import { noopKind } from './noop.ts'
import { resetPeerKind } from './reset-peer.ts'
import { slicerKind } from './slicer.ts'
import { slowCloseKind } from './slow-close.ts'
import { timeoutKind } from './timeout.ts'
import type { ToxicKind } from './types.ts'

/** Every supported toxic type. `down` is deliberately absent: it is `{"enabled": false}` on the proxy. */
export const TOXIC_KINDS: ReadonlyMap<string, ToxicKind> = new Map(
  [latencyKind, bandwidthKind, slowCloseKind, timeoutKind, resetPeerKind, slicerKind, limitDataKind, noopKind].map((k) => [k.type, k]),
)

/** The kind for an API type name (case-sensitive, as in Toxiproxy), or undefined. */
export const toxicKind = (type: string): ToxicKind | undefined => TOXIC_KINDS.get(type)

export type { Chunk, Toxic, ToxicContext, ToxicKind, AttributeSpec } from './types.ts'
