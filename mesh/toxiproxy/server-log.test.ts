import { describe, expect, test } from 'vitest'
import { serverLog } from './server-log.ts'

const at = () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))

function lines(level: string | undefined) {
  const out: string[] = []
  const log = serverLog((l) => out.push(l), level, at)
  log.info('i', { address: 'localhost:8474', proxies: 2 })
  log.warn('w')
  log.error('e', { error: 'boom' })
  return out
}

describe('serverLog (toxiproxy-server\'s zerolog lines)', () => {
  test('zerolog\'s key order and RFC 3339 seconds in UTC', () => {
    expect(lines(undefined)).toEqual([
      '{"level":"info","address":"localhost:8474","proxies":2,"time":"2026-01-02T03:04:05Z","message":"i"}',
      '{"level":"warn","time":"2026-01-02T03:04:05Z","message":"w"}',
      '{"level":"error","error":"boom","time":"2026-01-02T03:04:05Z","message":"e"}',
    ])
  })

  test('LOG_LEVEL filters like zerolog.ParseLevel: names in any case, numbers, disabled, empty', () => {
    expect(lines('WARN').map((l) => JSON.parse(l).level)).toEqual(['warn', 'error'])
    expect(lines('3').map((l) => JSON.parse(l).level)).toEqual(['error'])
    expect(lines('debug')).toHaveLength(3)
    expect(lines('disabled')).toEqual([])
    expect(lines('')).toEqual([])
  })

  test('an unknown LOG_LEVEL is reported as toxiproxy-server reports it, and filters nothing', () => {
    const out = lines('loud')
    expect(JSON.parse(out[0]!)).toEqual({ level: 'error', error: "Unknown Level String: 'loud', defaulting to NoLevel", time: '2026-01-02T03:04:05Z', message: 'unknown LOG_LEVEL value: "loud"' })
    expect(out).toHaveLength(4)
  })
})
