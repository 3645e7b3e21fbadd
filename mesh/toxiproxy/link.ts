/**
 * One direction of a proxied connection: source socket → toxic stages → destination socket.
 * Toxics can be added, updated and removed while data flows; no byte is lost or reordered,
 * the source is paused while the chain is backed up, and with no toxics bytes are piped directly.
 */
import type { Socket } from 'node:net'
import { ChunkChannel, END, INTERRUPTED } from './channel.ts'
import { Stage, type StageEnv } from './stage.ts'
import type { ToxicModel } from './toxic-model.ts'
import type { Direction } from './types.ts'

/** Toxiproxy reads at most 32 KiB at a time; each read becomes one timestamped chunk. */
export const MAX_CHUNK_BYTES = 32 * 1024
/** Chunks queued in front of a stage (or the writer) before its producer waits. */
const HOP_CAPACITY = 4

/** Mutable byte counters a link adds to (its own, and its proxy's). */
export interface MutableByteCounters {
  receivedBytes: number
  sentBytes: number
}

/** A link's dependencies; `onFinished` fires once the writer has passed on end of stream. */
export interface LinkOptions {
  readonly direction: Direction
  readonly source: Socket
  readonly dest: Socket
  readonly toxics: readonly ToxicModel[]
  readonly env: StageEnv
  readonly counters: readonly MutableByteCounters[]
  readonly onFinished: () => void
}

/** One direction of a connection. Its chain: head → stage → … → stage → tail → writer. */
export class Link {
  readonly direction: Direction
  readonly source: Socket
  readonly dest: Socket
  /** Where the source pushes; the first stage's input. */
  private head: ChunkChannel
  /** What the writer reads; the last stage's output. */
  private tail: ChunkChannel
  readonly stages: Stage[] = []
  private readonly env: StageEnv
  private readonly counters: readonly MutableByteCounters[]
  private readonly onFinished: () => void
  private sourceDone = false
  private destGone = false
  private finished = false
  /** Source paused because the head is full, or because a direct write is waiting for drain. */
  private waitingForSpace = false
  private waitingForDrain = false

  constructor(options: LinkOptions) {
    this.direction = options.direction
    this.source = options.source
    this.dest = options.dest
    this.env = options.env
    this.counters = options.counters
    this.onFinished = options.onFinished
    this.head = new ChunkChannel(HOP_CAPACITY)
    // The chain is a fold over the toxics: each stage's output is the next one's input.
    this.tail = options.toxics.reduce((input, model) => this.appendStage(model, input), this.head)
    this.source.on('data', this.onData)
    this.source.on('end', this.endSource)
    void this.write()
    this.source.resume()
  }

  // === toxic chain ===

  /** Appends a toxic (Toxiproxy always appends). Takes effect for the next chunk read. */
  addToxic(model: ToxicModel): void {
    if (this.finished) return
    const input = this.tail
    input.interrupt() // the writer is parked on the old tail: wake it so it moves to the new one
    this.tail = this.appendStage(model, input)
  }

  /** Starts a stage reading `input`; returns its output channel. */
  private appendStage(model: ToxicModel, input: ChunkChannel): ChunkChannel {
    const output = new ChunkChannel(HOP_CAPACITY)
    input.capacity = Math.max(HOP_CAPACITY, model.kind.bufferChunks) // the buffer belongs to its reader
    const stage = new Stage(model, input, output, this.env)
    this.stages.push(stage)
    stage.start()
    return output
  }

  /** Restarts the toxic's stage with new settings (asynchronously; nothing is dropped). */
  updateToxic(model: ToxicModel): void {
    this.stages.find((s) => s.model.id === model.id)?.update(model)
  }

  /**
   * Removes a toxic: its stage passes on what it holds, then its unread input is moved behind its
   * output and its predecessor writes straight to that output. Asynchronous; the API never waits.
   */
  removeToxic(id: number): void {
    const stage = this.stages.find((s) => s.model.id === id)
    if (!stage) return
    void stage.stop().then(() => this.unlink(stage))
  }

  private unlink(stage: Stage): void {
    const index = this.stages.indexOf(stage)
    if (index < 0) return
    this.stages.splice(index, 1)
    if (this.finished || stage.done) return // it already ended the stream; the connection is closing
    if (stage.model.kind.closeOnRemove) {
      stage.output.end() // timeout's cleanup: the connection closes, EOF on both sides
      return
    }
    stage.output.absorb(stage.input)
    if (index === 0) this.head = stage.output
    else this.stages[index - 1]!.output = stage.output
  }

  // === source side ===

  private readonly onData = (data: Buffer): void => {
    for (const c of this.counters) c.receivedBytes += data.length
    if (this.sourceDone) return
    // Fast path: no toxics, nothing queued, writer idle. Writing directly keeps order, because
    // anything earlier has already been handed to the socket.
    if (this.stages.length === 0 && this.head.size === 0 && this.head.consumerWaiting && !this.waitingForDrain) {
      this.send(data)
      if (this.dest.writableNeedDrain) this.pauseForDrain()
      return
    }
    const receivedAt = this.env.clock.now()
    const head = this.head
    let room = true
    for (let offset = 0; offset < data.length; offset += MAX_CHUNK_BYTES) {
      room = head.push({ data: data.subarray(offset, offset + MAX_CHUNK_BYTES), receivedAt })
    }
    if (!room) this.pauseForSpace()
  }

  private pauseForSpace(): void {
    if (this.waitingForSpace) return
    this.waitingForSpace = true
    this.source.pause()
    void this.head.whenSpace().then(() => {
      this.waitingForSpace = false
      if (this.head.size >= this.head.capacity && !this.head.isEnded) this.pauseForSpace()
      else this.resumeSource()
    })
  }

  private pauseForDrain(): void {
    this.waitingForDrain = true
    this.source.pause()
    this.dest.once('drain', () => {
      this.waitingForDrain = false
      this.resumeSource()
    })
  }

  private resumeSource(): void {
    if (!this.waitingForSpace && !this.waitingForDrain && !this.sourceDone) this.source.resume()
  }

  /**
   * End of input: the source sent FIN, failed, or the other direction closed it (Toxiproxy has
   * no half-close). What is queued still flows, then end of stream.
   */
  readonly endSource = (): void => {
    if (this.sourceDone) return
    this.sourceDone = true
    this.source.off('data', this.onData)
    this.source.off('end', this.endSource)
    this.source.pause()
    this.head.end()
  }

  // === destination side ===

  /** The destination is gone: stop writing and drop what is left. */
  destinationGone(): void {
    this.destGone = true
    this.tail.interrupt()
  }

  private send(data: Buffer): void {
    if (this.dest.destroyed || this.dest.writableEnded) return
    for (const c of this.counters) c.sentBytes += data.length
    this.dest.write(data)
  }

  private async write(): Promise<void> {
    for (;;) {
      const taken = await this.tail.take()
      if (this.destGone || taken === END) break
      if (taken === INTERRUPTED) continue // re-pointed to a new tail
      if (this.dest.destroyed) break
      this.send(taken.data)
      if (this.dest.writableNeedDrain) await drained(this.dest)
    }
    this.finished = true
    this.onFinished()
  }

  /** Stops every stage and drops everything queued: the connection is being torn down. */
  destroy(): void {
    this.finished = true
    this.endSource()
    for (const stage of this.stages) {
      void stage.stop()
      stage.input.destroy()
      stage.output.destroy()
    }
    this.head.destroy()
    this.tail.destroy()
  }

  /** Whether each toxic on this link is currently applying (its latest toxicity draw). */
  toxicStates(): Array<{ name: string; active: boolean }> {
    return this.stages.map((s) => ({ name: s.model.name, active: s.active }))
  }
}

function drained(socket: Socket): Promise<void> {
  if (socket.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done)
      socket.off('close', done)
      resolve()
    }
    socket.on('drain', done)
    socket.on('close', done)
  })
}
