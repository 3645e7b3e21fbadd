/** An in-memory CliIO: commands run in-process and their output is captured. */
import type { CliIO } from '../../sim/cli/io.ts'

export interface CapturedIO extends CliIO {
  readonly out: string[]
  readonly err: string[]
  /** Resolves `interrupted`, as Ctrl-C would. */
  interrupt(): void
  /** Everything written to stdout, one write per line. */
  stdoutText(): string
}

export function captureIO(stdin = ''): CapturedIO {
  const out: string[] = []
  const err: string[] = []
  let interrupt = () => {}
  const interrupted = new Promise<void>((resolve) => (interrupt = resolve))
  return {
    out,
    err,
    isTTY: false,
    interrupted,
    interrupt: () => interrupt(),
    stdoutText: () => out.join('\n'),
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readStdin: async () => stdin,
  }
}
