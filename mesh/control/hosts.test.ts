import { describe, expect, test } from 'vitest'
import { authorityToFqdn, hostMatches, hostsOverlap, stripPort, toFqdn } from './hosts.ts'

describe('hosts', () => {
  test('toFqdn expands short names only', () => {
    expect(toFqdn('reviews')).toBe('reviews.default.svc.cluster.local')
    expect(toFqdn('reviews', 'prod')).toBe('reviews.prod.svc.cluster.local')
    expect(toFqdn('reviews.default')).toBe('reviews.default') // Istio does not expand names with dots
    expect(toFqdn('reviews.default.svc.cluster.local')).toBe('reviews.default.svc.cluster.local')
    expect(toFqdn('*')).toBe('*')
    expect(toFqdn('*.example.com')).toBe('*.example.com')
  })

  test.each([
    ['*', 'anything.example.com', true],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', '*.b.example.com', true],
    ['*.b.example.com', '*.example.com', false],
    ['reviews.default.svc.cluster.local', 'REVIEWS.default.svc.cluster.local', true],
    ['reviews.default.svc.cluster.local', 'ratings.default.svc.cluster.local', false],
    ['*.default.svc.cluster.local', 'reviews.default.svc.cluster.local', true],
  ])('hostMatches(%s, %s) → %s', (pattern, host, expected) => {
    expect(hostMatches(pattern, host)).toBe(expected)
  })

  test('hostsOverlap is symmetric', () => {
    expect(hostsOverlap('*.com', 'a.example.com')).toBe(true)
    expect(hostsOverlap('a.example.com', '*.com')).toBe(true)
    expect(hostsOverlap('a.com', 'b.com')).toBe(false)
  })

  test.each([
    'reviews',
    'reviews:9080',
    'reviews.default',
    'reviews.default:9080',
    'reviews.default.svc',
    'reviews.default.svc.cluster.local',
    'reviews.default.svc.cluster.local:9080',
    'Reviews.Default.svc.cluster.local.',
  ])('authorityToFqdn(%s) is the service FQDN', (authority) => {
    expect(authorityToFqdn(authority)).toBe('reviews.default.svc.cluster.local')
  })

  test('authorityToFqdn leaves other hosts alone (lower-cased, without port)', () => {
    expect(authorityToFqdn('www.GoogleApis.com:443')).toBe('www.googleapis.com')
    expect(authorityToFqdn('example.com')).toBe('example.com')
    expect(authorityToFqdn('127.0.0.1:9080')).toBe('127.0.0.1')
    expect(authorityToFqdn('[::1]:9080')).toBe('::1')
    expect(authorityToFqdn('reviews.prod', { namespaces: new Set(['prod']) })).toBe('reviews.prod.svc.cluster.local')
    expect(authorityToFqdn('reviews', { namespace: 'prod' })).toBe('reviews.prod.svc.cluster.local')
  })

  test('stripPort', () => {
    expect(stripPort('a:1')).toBe('a')
    expect(stripPort('a')).toBe('a')
    expect(stripPort('::1')).toBe('::1')
  })
})
