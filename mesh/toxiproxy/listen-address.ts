/**
 * Listen addresses the way Go's net package reads them, because Toxiproxy stores and compares
 * them in that form: `localhost:X` is `127.0.0.1:X`, `:X` and `0.0.0.0:X` bind every interface
 * and report `[::]:X`, and malformed input fails with Go's exact text.
 */
import { lookup } from 'node:dns/promises'
import { isIPv4, isIPv6 } from 'node:net'

/** A failure in Go's words, without the `listen tcp:` prefix (callers add it where Go does). */
export class AddressError extends Error {
  override readonly name = 'AddressError'
}

/** A listen address after resolution, as `net.ResolveTCPAddr` would see it. */
export interface ResolvedListen {
  /** Go's `TCPAddr.String()`: `:3310`, `127.0.0.1:3310`, `[::1]:3310`. Compared with the stored listen on update. */
  readonly display: string
  /** undefined for a wildcard with no IP (`:3310`, `""`). */
  readonly ip: string | undefined
  readonly port: number
  /** Given as `localhost`: also bind ::1 so clients that try IPv6 first still connect. */
  readonly localhost: boolean
}

/** Go's `net.SplitHostPort`. */
export function splitHostPort(hostport: string): { host: string; port: string } {
  const fail = (why: string): never => {
    throw new AddressError(`address ${hostport}: ${why}`)
  }
  const i = hostport.lastIndexOf(':')
  if (i < 0) fail('missing port in address')
  let host: string
  let j = 0
  let k = 0
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']')
    if (end < 0) fail("missing ']' in address")
    if (end + 1 === hostport.length) fail('missing port in address')
    if (end + 1 !== i) fail(hostport[end + 1] === ':' ? 'too many colons in address' : 'missing port in address')
    host = hostport.slice(1, end)
    j = 1
    k = end + 1
  } else {
    host = hostport.slice(0, i)
    if (host.includes(':')) fail('too many colons in address')
  }
  if (hostport.slice(j).includes('[')) fail("unexpected '[' in address")
  if (hostport.slice(k).includes(']')) fail("unexpected ']' in address")
  return { host, port: hostport.slice(i + 1) }
}

/** Go's port parsing: empty is 0, digits with an optional sign, 0–65535; names are not looked up. */
export function parsePort(service: string): number {
  if (service === '') return 0
  let digits = service
  let negative = false
  if (digits.startsWith('+')) digits = digits.slice(1)
  else if (digits.startsWith('-')) {
    negative = true
    digits = digits.slice(1)
  }
  if (digits === '' || !/^\d+$/.test(digits)) throw new AddressError(`lookup tcp/${service}: unknown port`)
  const n = Number(digits.length > 6 ? '999999' : digits) * (negative ? -1 : 1)
  if (n < 0 || n > 65535) throw new AddressError(`address ${service}: invalid port`)
  return n
}

/** `ip:port` as Go prints it: IPv6 bracketed and in canonical form. */
export function joinHostPort(ip: string | undefined, port: number): string {
  if (ip === undefined) return `:${port}`
  return isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`
}

/** Canonical IPv6 text (RFC 5952 via the URL parser), zone kept. */
function canonicalIPv6(ip: string): string {
  const [address, zone] = ip.split('%', 2) as [string, string | undefined]
  try {
    const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1)
    return zone === undefined ? canonical : `${canonical}%${zone}`
  } catch {
    return ip
  }
}

/**
 * Resolves like `net.ResolveTCPAddr("tcp", listen)`: IP literals as they are, names through DNS
 * taking the first IPv4 address (the first IPv6 one when the host was bracketed).
 */
export async function resolveListen(listen: string): Promise<ResolvedListen> {
  if (listen === '') return { display: ':0', ip: undefined, port: 0, localhost: false }
  const { host, port: service } = splitHostPort(listen)
  const port = parsePort(service)
  let ip: string | undefined
  if (host === '') ip = undefined
  else if (isIPv4(host)) ip = host
  else if (isIPv6(host)) ip = canonicalIPv6(host)
  else {
    const found = await lookup(host, { all: true, verbatim: true }).catch(() => [])
    const preferV6 = listen.startsWith('[')
    const pick = found.find((a) => (preferV6 ? a.family === 6 : a.family === 4)) ?? found[0]
    if (!pick) throw new AddressError(`lookup ${host}: no such host`)
    ip = pick.family === 6 ? canonicalIPv6(pick.address) : pick.address
  }
  return { display: joinHostPort(ip, port), ip, port, localhost: host.toLowerCase() === 'localhost' }
}
