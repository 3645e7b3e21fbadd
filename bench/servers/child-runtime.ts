/**
 * The harness side of a system under test, inside the child: starts the server, announces its
 * ports over IPC, answers `stats` (event-loop delay, memory) and custom commands, and closes
 * everything on `shutdown`, on SIGTERM, or when the harness goes away (the IPC channel closes).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { ChildStats, Command, ReadyInfo, Reply } from './protocol.ts'

export interface RunningServer {
  readonly ready: ReadyInfo
  /** Extra commands, e.g. `load-on`; their results go back to the harness. */
  readonly commands?: Record<string, (arg: unknown) => unknown | Promise<unknown>>
  /** Extra figures for `stats` (request counts). */
  readonly extraStats?: () => Record<string, unknown>
  close(): Promise<void>
}

/** Sampling interval of the event-loop monitor; it records whole intervals, so the delay is the excess. */
const RESOLUTION_MS = 10
const delayMs = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - RESOLUTION_MS) : 0)

/** Runs `start` and serves the harness until told to stop. Arguments are the child's argv. */
export function runServer(start: (args: readonly string[]) => Promise<RunningServer>): void {
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  loop.enable()
  let server: RunningServer | undefined
  let stopping: Promise<void> | undefined
  const stop = (code: number) => {
    stopping ??= (async () => {
      loop.disable()
      const timer = setTimeout(() => process.exit(code), 5_000)
      timer.unref()
      await server?.close().catch(() => {})
      process.exit(code)
    })()
    return stopping
  }
  const send = (reply: Reply) => {
    if (process.send) process.send(reply)
    else if (reply.id === 0) process.stdout.write(`${JSON.stringify(reply.value)}\n`)
  }
  const builtIn: Record<string, (arg: unknown) => unknown> = {
    reset: () => loop.reset(),
    stats: (): ChildStats => ({
      eventLoop: { p50Ms: delayMs(loop.percentile(50)), p99Ms: delayMs(loop.percentile(99)), maxMs: delayMs(loop.max) },
      memory: process.memoryUsage(),
      extra: server?.extraStats?.(),
    }),
    gc: () => {
      const gc = (globalThis as { gc?: () => void }).gc
      if (gc) {
        gc()
        gc()
      }
      return process.memoryUsage()
    },
  }
  process.on('message', (message: Command) => {
    if (message.name === 'shutdown') {
      send({ id: message.id, ok: true })
      void stop(0)
      return
    }
    const handler = builtIn[message.name] ?? server?.commands?.[message.name]
    if (!handler) {
      send({ id: message.id, ok: false, error: `unknown command ${message.name}` })
      return
    }
    Promise.resolve()
      .then(() => handler(message.arg))
      .then(
        (value) => send({ id: message.id, ok: true, value }),
        (err: Error) => send({ id: message.id, ok: false, error: err?.stack ?? String(err) }),
      )
  })
  // The harness died or closed the channel: nobody will ever stop us otherwise.
  process.on('disconnect', () => void stop(0))
  process.on('SIGTERM', () => void stop(0))
  process.on('SIGINT', () => void stop(0))
  start(process.argv.slice(2)).then(
    (running) => {
      server = running
      send({ id: 0, ok: true, value: running.ready })
    },
    (err: Error) => {
      send({ id: 0, ok: false, error: err?.stack ?? String(err) })
      void stop(1)
    },
  )
}
