/** Turns EADDRINUSE into a one-line message naming the port and the flag that sets it. */
import { UsageError } from './usage-error.ts'

export interface PortFlag {
  readonly port: number
  readonly flag: string
}

/** `candidates`: the ports a step binds; the error's own port (when it says) picks the flag. */
export function portInUseMessage(err: unknown, ...candidates: PortFlag[]): UsageError | undefined {
  if ((err as { code?: string })?.code !== 'EADDRINUSE') return undefined
  const reported = (err as { port?: number }).port ?? Number(/:(\d+)(?::|\s|$)/.exec((err as Error).message ?? '')?.[1])
  const { port, flag } = candidates.find((c) => c.port === reported) ?? candidates[0]!
  return new UsageError(`port ${port} is already in use (${flag}); stop what uses it, or pass ${flag} N for another port (0 = any free port)`)
}
