/**
 * Name rules, as Kubernetes and Istio's validation apply them. Each check returns why a name is invalid,
 * or undefined when it is fine.
 */

import { isIP } from 'node:net'
import { at, type Reporter } from './reporter.ts'

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
/** Istio's own label check (pkg/config/labels) also allows upper case. */
const ISTIO_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/
const WILDCARD_LABEL = /^(\*|(\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/
const QUALIFIED_NAME = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/
const LABEL_VALUE = /^((?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/
/** RFC 7230 token characters. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

/** Kubernetes DNS-1123 label: namespaces, Gateway names, subset names. */
export function dnsLabelProblem(name: string): string | undefined {
  if (name.length > 63) return 'must be at most 63 characters'
  if (!DNS1123_LABEL.test(name)) {
    return 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit'
  }
  return undefined
}

/** Kubernetes DNS-1123 subdomain: the names of most objects (labels joined by dots). */
export function dnsSubdomainProblem(name: string): string | undefined {
  if (name.length > 253) return 'must be at most 253 characters'
  if (!name.split('.').every((l) => l.length <= 63 && DNS1123_LABEL.test(l))) {
    return 'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit'
  }
  return undefined
}

/** Istio's labels.IsDNS1123Label (upper case allowed), used for subset names and gateway references. */
export const isIstioLabel = (s: string): boolean => s.length <= 63 && ISTIO_LABEL.test(s)

export const isIPAddress = (s: string): boolean => IPV4.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s))

/** Istio's ValidateFQDN: dot-separated labels, top-level label not all digits, optional trailing dot. */
export function fqdnProblem(domain: string): string | undefined {
  if (domain.length === 0) return 'empty domain name not allowed'
  if (domain.length > 255) return `domain name ${JSON.stringify(domain)} too long (max 255)`
  return labelsProblem(domain)
}

function labelsProblem(domain: string): string | undefined {
  const parts = domain.split('.')
  const top = parts[parts.length - 1]!
  if (/^[0-9]+$/.test(top)) return `top level domain ${JSON.stringify(top)} cannot be all-numeric`
  for (const [i, label] of parts.entries()) {
    if (i === parts.length - 1 && label === '' && i > 0) return undefined
    if (!isIstioLabel(label)) return `label ${JSON.stringify(label)} is invalid`
  }
  return undefined
}

/** Istio's ValidateWildcardDomain: like an FQDN, but the first label may be `*`, `*foo` or `*-foo`. */
export function wildcardDomainProblem(domain: string): string | undefined {
  if (domain.length === 0) return 'empty domain name not allowed'
  if (domain.length > 255) return `domain name ${JSON.stringify(domain)} too long (max 255)`
  const dot = domain.indexOf('.')
  const first = dot < 0 ? domain : domain.slice(0, dot)
  if (first.length > 63 || !WILDCARD_LABEL.test(first)) return `label ${JSON.stringify(first)} is invalid`
  return dot < 0 ? undefined : labelsProblem(domain.slice(dot + 1))
}

export const isHeaderName = (name: string): boolean => HEADER_NAME.test(name)

/** Istio's ValidateIPSubnet: an IP address, or one in CIDR notation (`10.0.0.0/8`, `2001:1::1/64`). */
export function ipSubnetProblem(subnet: string): string | undefined {
  const [address = '', bits, extra] = subnet.split('/')
  const family = isIP(address)
  if (bits === undefined) return family === 0 ? 'is not a valid IP address' : undefined
  const max = family === 6 ? 128 : 32
  if (family === 0 || extra !== undefined || !/^\d+$/.test(bits) || Number(bits) > max) return 'is not a valid CIDR block'
  return undefined
}

/**
 * Istio's check for hosts of a gateway-bound VirtualService with TLS (SNI) routes: like a wildcard domain, but
 * the SNI names Envoy generates for AUTO_PASSTHROUGH, `outbound_.<port>_.<subset>_.<host>`, are allowed too.
 */
export function gatewaySniDomainProblem(domain: string): string | undefined {
  if (!domain.startsWith('outbound_')) return wildcardDomainProblem(domain)
  if (domain.length > 255) return `domain name ${JSON.stringify(domain)} too long (max 255)`
  const parts = domain.split('_')
  if (parts.length < 4) return 'should follow the outbound_.<port>_.<subset>_.<hostname> format'
  if (!/[0-9]/.test(trimDots(parts[1]!))) return `label ${JSON.stringify(trimDots(parts[1]!))} invalid; should follow the outbound_.<port>_.<subset>_.<hostname> format`
  if (!/[a-zA-Z]/.test(trimDots(parts[3]!))) return `label ${JSON.stringify(trimDots(parts[3]!))} invalid; should follow the outbound_.<port>_.<subset>_.<hostname> format`
  return undefined
}

/** Kubernetes label keys (`[prefix/]name`) and values; reports each bad entry. */
export function checkLabels(labels: Readonly<Record<string, string>>, field: string, r: Reporter): void {
  for (const [key, value] of Object.entries(labels)) {
    if (!isLabelKey(key)) r.error('MD0109', at(field, key), 'is not a valid label key', key)
    if (value.length > 63 || !LABEL_VALUE.test(value)) {
      r.error('MD0109', at(field, key), 'is not a valid label value', value)
    }
  }
}

function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/')
  const name = slash < 0 ? key : key.slice(slash + 1)
  const prefix = slash < 0 ? undefined : key.slice(0, slash)
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return false
  return prefix === undefined || (prefix.length <= 253 && dnsSubdomainProblem(prefix) === undefined)
}

/** `s` without leading and trailing dots (Go's strings.Trim(s, ".")). */
function trimDots(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && s[start] === '.') start++
  while (end > start && s[end - 1] === '.') end--
  return s.slice(start, end)
}
