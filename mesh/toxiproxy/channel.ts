/**
 * The hop between two stages of a link: a queue of chunks with one consumer, soft capacity for
 * back-pressure, an end-of-stream mark, and interruptible takes, so a link can be rewired while
 * data flows without losing or reordering a byte.
 */
import type { Chunk } from './toxics/types.ts'

/** Taken when the stream has ended and the queue is empty. */
export const END: unique symbol = Symbol('end')
/** Taken when the consumer was interrupted (it is being rewired or stopped); nothing was consumed. */
export const INTERRUPTED: unique symbol = Symbol('interrupted')
/** What `take()` yields. */
export type Taken = Chunk | typeof END | typeof INTERRUPTED

/** One hop of a link. Exactly one consumer takes from it at a time. */
export class ChunkChannel {
  private queue: Chunk[] = []
  private head = 0
  private ended = false
  private taker: ((taken: Taken) => void) | undefined
  private spaceWaiters: Array<() => void> = []
  /** Set when absorbed into another channel: anything pushed late follows the data there. */
  private forward: ChunkChannel | undefined

  /** Producers wait once this many chunks are queued. Adjustable: it belongs to the consumer. */
  constructor(public capacity: number) {}

  get size(): number {
    return this.queue.length - this.head
  }

  get isEnded(): boolean {
    return this.ended
  }

  /** True when the consumer is parked in `take()` with nothing queued: an idle writer. */
  get consumerWaiting(): boolean {
    return this.taker !== undefined
  }

  /** Enqueues without waiting. Returns false once the producer should wait for space. */
  push(chunk: Chunk): boolean {
    if (this.forward) return this.forward.push(chunk)
    if (this.ended) return true // the stream already ended downstream of us: nothing will read this
    const taker = this.taker
    if (taker) {
      this.taker = undefined
      taker(chunk)
      return true
    }
    this.queue.push(chunk)
    return this.size < this.capacity
  }

  /** Enqueues, then resolves once the queue is below capacity (undefined: no need to wait). */
  put(chunk: Chunk): Promise<void> | undefined {
    return this.push(chunk) ? undefined : this.whenSpace()
  }

  /** Resolves once a push would not have to wait (or the channel is gone). */
  whenSpace(): Promise<void> {
    if (this.size < this.capacity || this.ended || this.forward) return Promise.resolve()
    return new Promise((resolve) => this.spaceWaiters.push(resolve))
  }

  /** Marks end of stream after what is queued. */
  end(): void {
    if (this.forward) return this.forward.end()
    if (this.ended) return
    this.ended = true
    this.releaseSpace()
    const taker = this.taker
    if (taker && this.size === 0) {
      this.taker = undefined
      taker(END)
    }
  }

  /** The next chunk, END, or INTERRUPTED if `interrupt()` is called while waiting. */
  take(): Promise<Taken> {
    if (this.size > 0) {
      const chunk = this.queue[this.head]!
      this.queue[this.head++] = undefined as unknown as Chunk // let the buffer go
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head)
        this.head = 0
      }
      if (this.spaceWaiters.length > 0 && this.size < this.capacity) this.releaseSpace()
      return Promise.resolve(chunk)
    }
    if (this.ended) return Promise.resolve(END)
    return new Promise((resolve) => {
      this.taker = resolve
    })
  }

  /** Wakes a consumer parked in `take()` with INTERRUPTED. Queued chunks stay queued. */
  interrupt(): void {
    const taker = this.taker
    if (taker) {
      this.taker = undefined
      taker(INTERRUPTED)
    }
  }

  /**
   * Moves `from`'s queue (and its end mark) behind ours: the stage between the two is being
   * removed, so what it hadn't read yet must follow what it already passed on.
   */
  absorb(from: ChunkChannel): void {
    for (let i = from.head; i < from.queue.length; i++) this.push(from.queue[i]!)
    const ended = from.ended
    from.queue = []
    from.head = 0
    from.forward = this
    from.releaseSpace()
    if (ended) this.end()
  }

  /** Drops everything and ends: the connection is gone. */
  destroy(): void {
    this.queue = []
    this.head = 0
    this.ended = true
    this.releaseSpace()
    this.interrupt()
  }

  private releaseSpace(): void {
    const waiters = this.spaceWaiters
    this.spaceWaiters = []
    for (const wake of waiters) wake()
  }
}

/**
 * The channel as an async iterable for a toxic. It ends at END, or early when `signal` aborts
 * (then queued chunks stay for the next run). `return()` cancels a pending read.
 */
export function channelReader(channel: ChunkChannel, signal: AbortSignal): AsyncIterableIterator<Chunk> {
  let finished = false
  const done: IteratorReturnResult<undefined> = { value: undefined, done: true }
  const reader: AsyncIterableIterator<Chunk> = {
    [Symbol.asyncIterator]: () => reader,
    async next() {
      if (finished || signal.aborted) {
        finished = true
        return done
      }
      const taken = await channel.take()
      if (taken === END || taken === INTERRUPTED) {
        finished = true
        return done
      }
      return { value: taken, done: false }
    },
    async return() {
      finished = true
      channel.interrupt()
      return done
    },
  }
  return reader
}
