/** The data-plane contract: a toxic is an async-iterable transformer over one direction's chunks. */
import type { Clock } from '../../clock.ts'
import type { Random } from '../../random.ts'

/** Bytes read from a socket in one go (at most 32 KiB), stamped with when they were read. */
export interface Chunk {
  readonly data: Buffer
  /** `clock.now()` at read time: latency is measured from here, so queueing doesn't add to it. */
  readonly receivedAt: number
}

/** What one run of a toxic on one link may use. The toxic itself holds settings only. */
export interface ToxicContext {
  readonly clock: Clock
  /** The link's seeded stream (jitter, slice points). */
  readonly random: Random
  /**
   * Aborted when this run must stop: the toxic was updated or removed, a neighbour changed, or
   * the connection closed. Stop waiting, pass on what you hold, and return; the input then ends.
   */
  readonly signal: AbortSignal
  /** Aborted only when the connection closes (for waits Toxiproxy doesn't interrupt). */
  readonly closed: AbortSignal
  /** Per-connection state that survives restarts (limit_data's byte count). */
  readonly state: Record<string, number>
  /**
   * Ends the stream when the transformer returns, even if the run was being interrupted.
   * Returning without an interruption already ends it; this covers reset_peer's committed close.
   */
  endStream(): void
}

/**
 * One direction's transformer. Input ending means end of stream (or an interruption: see
 * `ctx.signal`); the output ending while the run was not interrupted closes the connection.
 */
export type Toxic = (input: AsyncIterable<Chunk>, ctx: ToxicContext) => AsyncIterable<Chunk>

/** An integer attribute and its Go type (named in decode errors). */
export interface AttributeSpec {
  readonly name: string
  readonly goType: 'int64' | 'int'
  /**
   * Smallest accepted value, for values Toxiproxy takes but then crashes on; the API answers 400.
   * `minWhy` ends the error text (e.g. what the smallest value does).
   */
  readonly min?: number
  readonly minWhy?: string
}

/** A toxic type: its API description and a factory from settings to transformer. */
export interface ToxicKind {
  readonly type: string
  /** Go struct name, for Go-identical decode errors (`LatencyToxic`). */
  readonly goStruct: string
  /** In JSON output order. */
  readonly attributes: readonly AttributeSpec[]
  /** Chunks buffered in front of the toxic (Go's BufferSize): latency needs 1024 to stay pipelined. */
  readonly bufferChunks: number
  /** Removing it ends the stream, closing the connection (timeout's Cleanup in Toxiproxy). */
  readonly closeOnRemove: boolean
  /** Connections established while it exists get SO_LINGER 0, so closes become RSTs (reset_peer). */
  readonly lingerZero: boolean
  create(attributes: Readonly<Record<string, number>>): Toxic
}

/**
 * Waits `ms` on the toxic's clock, returning early (false) when the run is interrupted.
 * Never rejects, so an interrupted toxic simply carries on forwarding without delay.
 */
export async function pause(ctx: ToxicContext, ms: number): Promise<boolean> {
  if (ctx.signal.aborted) return false
  if (!(ms > 0)) return true
  try {
    await ctx.clock.sleep(ms, ctx.signal)
    return true
  } catch {
    return false
  }
}

/** Resolves once the run is interrupted (update, removal, a neighbour's change, or the connection closing). */
export function interrupted(ctx: ToxicContext): Promise<void> {
  if (ctx.signal.aborted) return Promise.resolve()
  return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }))
}

/** Attribute value or 0, as Go leaves an omitted field. */
export const attr = (attributes: Readonly<Record<string, number>>, name: string): number => attributes[name] ?? 0
