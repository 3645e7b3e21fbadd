/** Runs the real `meshdojo` binary in a child process, for tests of the command line. */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../bin/meshdojo.js', import.meta.url))

export interface RunningCli {
  readonly child: ChildProcess
  stdout(): string
  stderr(): string
  /** Resolves with the first stdout match of `pattern`, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  /** Resolves with the exit code. */
  exited(): Promise<number | null>
}

export function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (err += d))
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern)
          if (m) {
            cleanup()
            resolve(m)
          }
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`timed out waiting for ${pattern}; stdout: ${out}\nstderr: ${err}`))
        }, timeoutMs)
        const onExit = () => {
          cleanup()
          reject(new Error(`exited before ${pattern}; stdout: ${out}\nstderr: ${err}`))
        }
        const cleanup = () => {
          clearTimeout(timer)
          child.stdout!.off('data', check)
          child.off('exit', onExit)
        }
        child.stdout!.on('data', check)
        child.once('exit', onExit)
        check()
      })
    },
  }
}

/** Runs to completion and returns code and output. */
export async function runCli(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args)
  if (input !== undefined) cli.child.stdin!.end(input)
  else cli.child.stdin!.end()
  const code = await cli.exited()
  return { code, stdout: cli.stdout(), stderr: cli.stderr() }
}
