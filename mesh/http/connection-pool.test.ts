/** The connection pool over real sockets: one free connection reused, and Envoy's max_requests_per_connection exactly. */
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { Cancel } from '../filter.ts'
import { ConnectionPool } from './connection-pool.ts'
import { exchange } from './upstream-exchange.ts'

const servers: Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()).closeAllConnections())
})

/** A server that counts the connections it accepted. */
async function counting() {
  const seen = { connections: 0 }
  const server = createServer((_req, res) => res.end('ok'))
  server.on('connection', () => seen.connections++)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  servers.push(server)
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

const get = () => ({ method: 'GET', path: '/', headers: {}, body: null, cancel: new Cancel() })

describe('connection pool', () => {
  test.each([
    [0, 1],
    [1, 4],
    [2, 2],
    [3, 2],
  ])('max_requests_per_connection %i: four sequential requests use %i connections', async (max, connections) => {
    const { origin, seen } = await counting()
    const pool = new ConnectionPool(origin, { keepAliveTimeout: 4_000 }, max)
    for (let i = 0; i < 4; i++) expect((await exchange(pool, get())).status).toBe(200)
    await pool.close()
    expect(seen.connections).toBe(connections)
  })
})
