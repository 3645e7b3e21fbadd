/** Where commands write: injected so tests can capture output and the dashboard can take the terminal. */
export interface CliIO {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly isTTY: boolean
  /** Resolves when the user asks to stop (Ctrl-C / SIGTERM). */
  readonly interrupted: Promise<void>
  /** All of standard input, for `-f -`. */
  readStdin(): Promise<string>
}

export function processIO(): CliIO {
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  return {
    stdout: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    stderr: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    isTTY: Boolean(process.stdout.isTTY),
    interrupted,
    async readStdin() {
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    },
  }
}
