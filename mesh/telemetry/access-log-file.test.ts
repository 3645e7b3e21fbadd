import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { ISTIO_TEXT_LINE, record } from '../../test/e2e/telemetry-fixtures.ts'
import { AccessLogFile } from './access-log-file.ts'
import { formatAccessLog } from './access-log-format.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshdojo-access-log-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

test('writes prefixed Istio lines and rotates by size, keeping one old file', async () => {
  const path = join(dir, 'access.log')
  const file = await AccessLogFile.open({ path, maxBytes: 4096 })
  const lineBytes = Buffer.byteLength(`${formatAccessLog(record({ path: '/reviews/199' }), 'text', true)}\n`)
  for (let i = 0; i < 200; i++) file.record(record({ path: `/reviews/${i}` }))
  await file.close()
  const current = await readFile(path, 'utf8')
  const previous = await readFile(`${path}.1`, 'utf8')
  // Rotation happens before a line would pass the limit, so neither file does.
  expect((await stat(path)).size).toBeLessThanOrEqual(4096)
  expect((await stat(`${path}.1`)).size).toBeLessThanOrEqual(4096)
  expect((await stat(`${path}.1`)).size).toBeGreaterThan(4096 - lineBytes)
  const lines = [...previous.split('\n'), ...current.split('\n')].filter(Boolean)
  for (const line of lines) expect(line).toMatch(ISTIO_TEXT_LINE)
  expect(lines.at(-1)).toContain('/reviews/199')
  expect(lines[0]).toMatch(/^\[productpage-v1 outbound\] /)
  expect(file.dropped).toBe(0)
  file.record(record()) // after close: ignored, no throw
})

test('JSON lines, and lines are dropped (and counted) while the disk is behind', async () => {
  const path = join(dir, 'access.json')
  const file = await AccessLogFile.open({ path, format: 'json', maxBacklogBytes: 2000 })
  for (let i = 0; i < 100; i++) file.record(record())
  expect(file.dropped).toBeGreaterThan(0)
  await file.close()
  const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean)
  expect(lines.length + file.dropped).toBe(100)
  expect(JSON.parse(lines[0]!)).toMatchObject({ response_code: 200, workload: 'productpage-v1', direction: 'outbound' })
})

test('a file that cannot be opened fails at start', async () => {
  await expect(AccessLogFile.open({ path: join(dir, 'no', 'such', 'dir', 'a.log') })).rejects.toThrow(/ENOENT/)
})
