import { describe, expect, test } from 'vitest'
import { bindHost, isLoopback } from './bind-address.ts'
import { startToxiproxyServer } from '../toxiproxy/server.ts'

describe('bind addresses of the admin and Toxiproxy APIs', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['example.com', false],
  ])('%s loopback: %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback)
  })

  test('loopback by default; a remote address needs --allow-remote', () => {
    expect(bindHost(undefined, { flag: '--admin-host' })).toBe('127.0.0.1')
    expect(() => bindHost('0.0.0.0', { flag: '--admin-host' })).toThrow(
      expect.objectContaining({ code: 'MESH_REMOTE_BIND_REFUSED', field: '--admin-host', message: expect.stringContaining('--allow-remote') }),
    )
    expect(bindHost('0.0.0.0', { flag: '--admin-host', allowRemote: true })).toBe('0.0.0.0')
    expect(() => bindHost('', { flag: '--admin-host' })).toThrow(expect.objectContaining({ code: 'MESH_USAGE' }))
  })

  test('the embedded Toxiproxy refuses a remote bind before listening', async () => {
    await expect(startToxiproxyServer({ host: '0.0.0.0', port: 0, random: () => 0.5 })).rejects.toMatchObject({ code: 'MESH_REMOTE_BIND_REFUSED' })
  })
})
