/**
 * Every process the benchmark starts, so that all of them die with it: on normal exit, on an
 * exception, and on Ctrl-C (SIGINT/SIGTERM). Processes can be pinned to one CPU with `taskset`.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { processTree } from './proc-stat.ts'

export interface SpawnSpec {
  readonly command: string
  readonly args: readonly string[]
  /** CPU to pin to with taskset (ignored when taskset is missing or pinning is off). */
  readonly cpu?: number
  readonly options?: SpawnOptions
}

let tasksetPath: string | null | undefined

/** Whether `taskset` is on this machine (util-linux). */
export function hasTaskset(): boolean {
  if (tasksetPath === undefined) {
    const r = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' })
    tasksetPath = r.status === 0 ? r.stdout.trim() : null
  }
  return tasksetPath !== null
}

/** Pins this very process (the harness and an in-process driver) to `cpu`; false if it cannot. */
export function pinSelf(cpu: number): boolean {
  if (!hasTaskset()) return false
  return spawnSync('taskset', ['-pc', String(cpu), String(process.pid)], { stdio: 'ignore' }).status === 0
}

const live = new Set<ChildProcess>()
let hooked = false

/** Spawns a tracked child; `taskset -c N` execs the command, so the child's pid is the program's own. */
export function spawnTracked(spec: SpawnSpec, pin: boolean): ChildProcess {
  hookExit()
  const pinned = pin && spec.cpu !== undefined && hasTaskset()
  const child = pinned
    ? spawn('taskset', ['-c', String(spec.cpu), spec.command, ...spec.args], spec.options ?? {})
    : spawn(spec.command, [...spec.args], spec.options ?? {})
  live.add(child)
  child.once('exit', () => live.delete(child))
  return child
}

/** SIGTERM, then SIGKILL after `graceMs`, for a child and everything it started. Resolves on exit. */
export async function stopProcess(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const tree = processTree(child.pid)
  signalAll(tree, 'SIGTERM')
  const timer = setTimeout(() => signalAll(processTree(child.pid!).concat(tree), 'SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
  signalAll(tree.slice(1), 'SIGKILL') // stragglers (nginx workers) if the parent went first
}

const tempDirs = new Set<string>()

/** A fresh temp directory (config, scripts) that is removed with `removeTempDir` or at exit at the latest. */
export function makeTempDir(prefix: string): string {
  hookExit()
  const dir = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.add(dir)
  return dir
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  tempDirs.delete(dir)
}

/** Kills every tracked child at once, synchronously, and removes temp directories (on Ctrl-C and at exit). */
export function killAllSync(): void {
  for (const child of live) {
    if (child.pid !== undefined) signalAll(processTree(child.pid), 'SIGKILL')
  }
  live.clear()
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  tempDirs.clear()
}

export const liveCount = (): number => live.size

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal)
    } catch {
      // already gone
    }
  }
}

function hookExit(): void {
  if (hooked) return
  hooked = true
  process.once('exit', killAllSync)
}

/** For the CLI: on Ctrl-C or SIGTERM, kill every child and exit (130 / 143). */
export function installSignalHandlers(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping ${live.size} child process(es)\n`)
      killAllSync()
      process.exit(signal === 'SIGINT' ? 130 : 143)
    })
  }
}
