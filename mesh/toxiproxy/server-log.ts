/**
 * toxiproxy-server's log lines: zerolog JSON on stdout, one object per line, keys in zerolog's order
 * (`level`, the event's fields, `time` as RFC 3339 UTC seconds, `message`), filtered by `LOG_LEVEL`
 * as toxiproxy-server does. Scripts that wait for or parse its lines read these the same way.
 * Go's `caller` field (`server.go:72`) is left out: there is no Go source line to name.
 */

/** zerolog's levels, by name and number. */
const LEVELS = { trace: -1, debug: 0, info: 1, warn: 2, error: 3, fatal: 4, panic: 5 } as const

type Level = keyof typeof LEVELS
type Fields = Readonly<Record<string, string | number | boolean>>

/** Writes toxiproxy-server-style lines at or above the level `LOG_LEVEL` names. */
export interface ServerLog {
  info(message: string, fields?: Fields): void
  warn(message: string, fields?: Fields): void
  error(message: string, fields?: Fields): void
}

/**
 * `logLevel` is `LOG_LEVEL`'s value (undefined: everything). Like zerolog's ParseLevel: names in any
 * case, numbers, `disabled`, and `""` (no level: nothing shows); an unknown value is reported as
 * toxiproxy-server reports it and changes nothing.
 */
export function serverLog(write: (line: string) => void, logLevel: string | undefined, now: () => Date = () => new Date()): ServerLog {
  const line = (level: Level, message: string, fields: Fields = {}) => {
    const time = now().toISOString().replace(/\.\d{3}Z$/, 'Z')
    write(JSON.stringify({ level, ...fields, time, message }))
  }
  const parsed = parseLevel(logLevel)
  const min = typeof parsed === 'number' ? parsed : -Infinity
  if (typeof parsed === 'string') line('error', `unknown LOG_LEVEL value: "${logLevel}"`, { error: parsed })
  const at = (level: Level) => (message: string, fields?: Fields) => {
    if (LEVELS[level] >= min) line(level, message, fields)
  }
  return { info: at('info'), warn: at('warn'), error: at('error') }
}

/** The lowest level shown, undefined for all, or zerolog's error text. */
function parseLevel(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined
  const lower = value.toLowerCase()
  if (lower in LEVELS) return LEVELS[lower as Level]
  if (lower === 'disabled' || lower === '') return Infinity
  if (/^[+-]?\d+$/.test(value)) {
    const n = Number(value)
    return n > 127 || n < -128 ? `Out-Of-Bounds Level: '${n}', defaulting to NoLevel` : n
  }
  return `Unknown Level String: '${value}', defaulting to NoLevel`
}
