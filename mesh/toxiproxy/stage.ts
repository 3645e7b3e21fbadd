/**
 * One toxic running on one link: reads its input channel through the toxic's transformer into
 * its output channel, and can be interrupted and restarted (update) without losing data.
 */
import type { Clock } from '../clock.ts'
import type { Random } from '../random.ts'
import { type ChunkChannel, channelReader } from './channel.ts'
import type { ToxicModel } from './toxic-model.ts'
import { passThrough } from './toxics/noop.ts'
import type { ToxicContext } from './toxics/types.ts'

/** What every stage of a link shares. */
export interface StageEnv {
  readonly clock: Clock
  /** The link's seeded stream: toxicity draws, jitter, slice points. */
  readonly random: Random
  /** Aborted when the connection closes. */
  readonly closed: AbortSignal
}

/** A toxic's run on one link, between `input` and `output`. */
export class Stage {
  /** Whether the current run's toxicity draw made the toxic apply (else it runs as noop). */
  active = false
  /** The output has ended (end of stream passed on, or the toxic closed it); never restarted. */
  done = false
  /** Per-connection toxic state; survives updates (limit_data's count). */
  readonly state: Record<string, number> = {}
  private controller = new AbortController()
  private running: Promise<void> = Promise.resolve()
  /** Updates and removal are applied one at a time, in order. */
  private ops: Promise<void> = Promise.resolve()

  constructor(
    public model: ToxicModel,
    readonly input: ChunkChannel,
    /** Re-pointed when the next stage is removed: always read at put time. */
    public output: ChunkChannel,
    private readonly env: StageEnv,
  ) {}

  /** Starts a run: draws toxicity, then pumps input → toxic → output until input ends or interrupted. */
  start(): void {
    this.running = this.run()
  }

  /**
   * Restarts with new settings: the current run forwards what it holds, then a new run (with a
   * fresh toxicity draw) continues from the same input. Never awaited by the API.
   */
  update(model: ToxicModel): void {
    this.model = model
    this.enqueue(async () => {
      await this.halt()
      if (!this.done && !this.env.closed.aborted) this.start()
    })
  }

  /** Stops for good; resolves once the current run has passed on what it held. */
  stop(): Promise<void> {
    return this.enqueue(() => this.halt())
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    this.ops = this.ops.then(op, op)
    return this.ops
  }

  private halt(): Promise<void> {
    this.controller.abort()
    return this.running
  }

  private async run(): Promise<void> {
    const controller = new AbortController()
    this.controller = controller
    const { signal } = controller
    const model = this.model
    const { clock, random, closed } = this.env
    this.active = random() < model.toxicity
    let endRequested = false
    const ctx: ToxicContext = {
      clock,
      random,
      signal,
      closed,
      state: this.state,
      endStream: () => {
        endRequested = true
      },
    }
    const input = this.input
    const wake = () => input.interrupt() // unblocks a read parked on the input
    signal.addEventListener('abort', wake, { once: true })
    const toxic = this.active ? model.kind.create(model.attributes) : passThrough
    try {
      for await (const chunk of toxic(channelReader(input, signal), ctx)) {
        const full = this.output.put(chunk)
        if (full) await full
      }
    } catch {
      endRequested = true // a failing toxic ends its stream rather than the process
    } finally {
      signal.removeEventListener('abort', wake)
    }
    // Returning without being interrupted means end of stream: input ended, or the toxic closed it.
    if (endRequested || !signal.aborted) {
      this.done = true
      this.output.end()
    }
  }
}
