/** Turns EADDRINUSE into a one-line message naming the port and the flag that sets it. */
import { UsageError } from './usage-error.ts'

export function portInUseMessage(err: unknown, port: number, flag: string): UsageError | undefined {
  if ((err as { code?: string })?.code !== 'EADDRINUSE') return undefined
  return new UsageError(`port ${port} is already in use (${flag}); stop what uses it, or pass ${flag} N for another port (0 = any free port)`)
}
