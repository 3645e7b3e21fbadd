/** A mistake on the command line: printed as one line with a hint, exit code 2. */
import { MeshError } from '../../mesh/errors.ts'

export class UsageError extends MeshError {
  /** `flag`: the flag at fault (`--port`), kept as the error's `field`. */
  constructor(message: string, flag?: string) {
    super('MESH_USAGE', message, flag)
  }
}

/** Parses a flag that must be a port: 0–65535, 0 meaning "pick a free one". */
export function portFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag} must be a port number from 0 to 65535 (0 = any free port), got "${value}"`, flag)
  return n
}

export function intFlag(value: string | undefined, flag: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n < min) throw new UsageError(`${flag} must be a number ≥ ${min}, got "${value}"`, flag)
  return n
}
