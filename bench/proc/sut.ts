/**
 * A system under test in its own child process (`node bin/run-ts.js bench/servers/<x>.ts`), pinned
 * to the server CPU, with a request/reply channel for stats and commands. CPU and RSS are read from
 * /proc by the harness, not reported by the child, so the child cannot flatter itself.
 */
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ChildStats, Command, ReadyInfo, Reply } from '../servers/protocol.ts'
import { spawnTracked, stopProcess } from './processes.ts'
import { processTree } from './proc-stat.ts'
import { bundleServer, NPM_START_NODE_FLAGS } from './bundle.ts'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url))

export interface SutOptions {
  /** Pin to this CPU with taskset. */
  readonly cpu?: number
  readonly pin: boolean
  readonly args?: readonly string[]
  /** Extra node flags, e.g. `--cpu-prof`. `--expose-gc` is always passed. */
  readonly nodeFlags?: readonly string[]
  readonly startTimeoutMs?: number
  readonly env?: NodeJS.ProcessEnv
  /** Run this JavaScript file with plain node instead of `bin/run-ts.js bench/servers/<script>`. */
  readonly jsFile?: string
  /** `bundle` (default): an esbuild bundle run by plain node, as `npm start` runs meshdojo; `tsx`: through bin/run-ts.js. */
  readonly runtime?: Runtime
  /** Also `npm start`'s node flags (2 MB semi-spaces): for the whole-demo figures, not for data-plane costs. */
  readonly npmStartFlags?: boolean
}

export type Runtime = 'bundle' | 'tsx'

export class Sut {
  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private stderrTail = ''

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly ready: ReadyInfo,
  ) {
    child.on('message', (reply: Reply) => {
      const w = this.waiting.get(reply.id)
      if (!w) return
      this.waiting.delete(reply.id)
      if (reply.ok) w.resolve(reply.value)
      else w.reject(new Error(`${name}: ${reply.error}`))
    })
    child.once('exit', (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`${name} exited (${code ?? signal}) ${this.stderrTail}`))
      this.waiting.clear()
    })
    child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-2000)
    })
  }

  static async start(name: string, script: string, options: SutOptions): Promise<Sut> {
    const file = fileURLToPath(new URL(`../servers/${script}`, import.meta.url))
    const bundle = options.jsFile ?? ((options.runtime ?? 'bundle') === 'bundle' ? await bundleServer(script) : undefined)
    const entry = bundle ? [bundle] : [RUN_TS, file]
    const runtimeFlags = options.npmStartFlags ? NPM_START_NODE_FLAGS : []
    const child = spawnTracked(
      {
        command: process.execPath,
        args: ['--expose-gc', ...runtimeFlags, ...(options.nodeFlags ?? []), ...entry, ...(options.args ?? [])],
        cpu: options.cpu,
        options: { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: options.env ?? process.env },
      },
      options.pin,
    )
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000)
    })
    const ready = await new Promise<ReadyInfo>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within ${options.startTimeoutMs ?? 60_000} ms\n${stderr}`)), options.startTimeoutMs ?? 60_000)
      child.on('message', function first(reply: Reply) {
        if (reply.id !== 0) return
        child.off('message', first)
        clearTimeout(timer)
        if (reply.ok) resolve(reply.value as ReadyInfo)
        else reject(new Error(`${name} failed to start: ${reply.error}`))
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`${name} exited before it was ready (${code ?? signal})\n${stderr}`))
      })
    }).catch(async (err) => {
      await stopProcess(child)
      throw err
    })
    return new Sut(name, child, ready)
  }

  get pid(): number {
    return this.child.pid!
  }

  /** This process and any it started (none for Node servers). */
  pids(): number[] {
    return processTree(this.pid)
  }

  get port(): number {
    return this.ready.ports.entry!
  }

  command<T = unknown>(name: string, arg?: unknown, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id)
        reject(new Error(`${this.name}: no answer to ${name} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer)
          resolve(v as T)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        },
      })
      const message: Command = { id, name, arg }
      this.child.send(message)
    })
  }

  stats(): Promise<ChildStats> {
    return this.command<ChildStats>('stats')
  }

  async close(): Promise<void> {
    if (this.child.connected) {
      await this.command('shutdown', undefined, 5_000).catch(() => {})
    }
    await stopProcess(this.child, 5_000)
  }
}
