/**
 * Where the admin and Toxiproxy APIs may listen. Both can reconfigure the mesh (apply policies,
 * break links), so they bind to loopback unless the user says `--allow-remote`: a non-loopback
 * address without it is refused before anything listens.
 */
import { isIP } from 'node:net'
import { MeshError } from '../errors.ts'

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')
  if (h === 'localhost') return true
  if (isIP(h) === 4) return h.startsWith('127.')
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h) || h === '0:0:0:0:0:0:0:1'
  return false
}

/**
 * The host to bind: `host` (default 127.0.0.1) if it is loopback or remote access is allowed.
 * Throws MESH_REMOTE_BIND_REFUSED naming the flag otherwise (e.g. `0.0.0.0`, `::`, a LAN address).
 */
export function bindHost(host: string | undefined, options: { allowRemote?: boolean; flag: string }): string {
  const h = host ?? '127.0.0.1'
  if (h === '' || /\s/.test(h)) throw new MeshError('MESH_USAGE', `${options.flag} must be an address like 127.0.0.1, got ${JSON.stringify(h)}`, options.flag)
  if (isLoopback(h) || options.allowRemote) return h
  throw new MeshError(
    'MESH_REMOTE_BIND_REFUSED',
    `${options.flag} ${h} is not a loopback address: anyone who can reach it could reconfigure the mesh. Add --allow-remote to bind it anyway`,
    options.flag,
  )
}
