/**
 * Envoy's `x-request-id` generation, on every proxy's HTTP connection manager: a request that
 * arrives without one gets a fresh UUID v4; one that has one keeps it, so an app that forwards the
 * id it received keeps one id across the mesh. Ids come from the mesh's seeded random source: a
 * run with the same seed and the same requests logs the same ids.
 */
import { withHeaders, type Filter } from '../filter.ts'
import type { Random } from '../random.ts'

export function requestId(random: Random): Filter {
  return (next) =>
    function requestIdFilter(req) {
      if (req.info.requestId) return next(req)
      req.info.requestId = uuidV4(random)
      return next(withHeaders(req, { 'x-request-id': req.info.requestId }))
    }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** RFC 9562 version 4 from four 32-bit draws (a Random's draws are multiples of 2^-32). */
export function uuidV4(random: Random): string {
  const a = (random() * 0x1_0000_0000) >>> 0
  const b = (((random() * 0x1_0000_0000) >>> 0) & 0xffff0fff) | 0x00004000 // version 4
  const c = (((random() * 0x1_0000_0000) >>> 0) & 0x3fffffff) | 0x80000000 // variant 10
  const d = (random() * 0x1_0000_0000) >>> 0
  return (
    HEX[a >>> 24]! + HEX[(a >>> 16) & 0xff]! + HEX[(a >>> 8) & 0xff]! + HEX[a & 0xff]! + '-' +
    HEX[b >>> 24]! + HEX[(b >>> 16) & 0xff]! + '-' + HEX[(b >>> 8) & 0xff]! + HEX[b & 0xff]! + '-' +
    HEX[c >>> 24]! + HEX[(c >>> 16) & 0xff]! + '-' + HEX[(c >>> 8) & 0xff]! + HEX[c & 0xff]! +
    HEX[d >>> 24]! + HEX[(d >>> 16) & 0xff]! + HEX[(d >>> 8) & 0xff]! + HEX[d & 0xff]!
  )
}
