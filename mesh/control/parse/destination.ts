/** `destination {host, subset, port.number}`, shared by routes and mirrors, and port numbers in general. */

import type { Destination } from '../types.ts'
import { absent, checkShape, object, requiredObject, requiredStr, str } from './fields.ts'
import { isIstioLabel, wildcardDomainProblem } from './names.ts'
import { at, type Reporter } from './reporter.ts'

export function destination(v: unknown, field: string, r: Reporter): Destination | undefined {
  const o = requiredObject(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['host', 'subset', 'port'] })
  const hostField = at(field, 'host')
  const host = requiredStr(o.host, hostField, r)
  const subset = str(o.subset, at(field, 'subset'), r)
  const port = portSelector(o.port, at(field, 'port'), r)
  let ok = host !== undefined
  if (host !== undefined) ok = checkDestinationHost(host, hostField, r)
  if (subset !== undefined && subset !== '' && !isIstioLabel(subset)) {
    r.error('MD0109', at(field, 'subset'), 'must be a DNS-1123 label (letters, digits and "-")', subset)
    ok = false
  }
  if (!ok || host === undefined || port === null) return undefined
  return {
    host,
    ...(subset === undefined || subset === '' ? {} : { subset }),
    ...(port === undefined ? {} : { port }),
  }
}

function checkDestinationHost(host: string, field: string, r: Reporter): boolean {
  if (host === '*') {
    r.error('MD0110', field, 'a destination must name one host, not "*"', host)
    return false
  }
  // Istio's validateDestination takes a (wildcard) domain name only: an IP address is not a destination host.
  const problem = wildcardDomainProblem(host)
  if (problem !== undefined) {
    r.error('MD0110', field, `is not a valid host name (${problem})`, host)
    return false
  }
  return true
}

/** `port: {number: 9080}`. Undefined when absent, null when invalid (reported). */
function portSelector(v: unknown, field: string, r: Reporter): number | undefined | null {
  const o = object(v, field, r)
  if (o === undefined) return absent(v) ? undefined : null
  checkShape(o, field, r, { fields: ['number'] })
  return portNumber(o.number ?? 0, at(field, 'number'), r) ?? null
}

/** A TCP port, 1–65535 (Istio's ValidatePort). */
export function portNumber(v: unknown, field: string, r: Reporter): number | undefined {
  if (absent(v)) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) {
    r.error('MD0111', field, 'must be a port number from 1 to 65535', v)
    return undefined
  }
  return v
}
