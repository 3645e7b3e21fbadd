/**
 * Seeded fuzzing of the config edge with Istio's own Bookinfo YAML: odd values and tags swapped in,
 * Object.prototype keys inserted, apiVersions broken, keys written twice. Deterministic (one seed), a few
 * hundred cases, about a second. Every case must parse without throwing; every rejected case must name a
 * field that exists in the document (all of its path but the last step); specific mutations must be
 * reported where they were made.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseAllDocuments, parseDocument, stringify } from 'yaml'
import { ConfigRejectedError, formatDiagnostic } from '../diagnostics.ts'
import { ConfigStore } from '../config-store.ts'
import { KIND_LIST } from '../kinds.ts'
import type { Diagnostic } from '../types.ts'
import { SAMPLES_DIR } from '../../../test/support/samples.ts'
import { parseConfig } from './parse-config.ts'
import { at } from './reporter.ts'

const SEED = Number(process.env.MESHDOJO_FUZZ_SEED ?? 0x5eed_15)
const CASES = 400

/** mulberry32: small, seedable, good enough to pick mutations. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Path = (string | number)[]
type Plain = null | string | number | boolean | Plain[] | { [k: string]: Plain }

const isMapping = (v: unknown): v is Record<string, Plain> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Every document of the vendored Bookinfo samples of a kind meshdojo simulates, plus one of each security kind. */
const BASES: Plain[] = [
  ...readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.yaml')).flatMap((f) =>
    parseAllDocuments(readFileSync(join(SAMPLES_DIR, f), 'utf8')).map((d) => d.toJS() as Plain)
      .filter((v) => isMapping(v) && KIND_LIST.some((k) => k.kind === v.kind))),
  { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } },
  { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'viewer' }, spec: { selector: { matchLabels: { app: 'ratings' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/bookinfo-productpage'] } }], to: [{ operation: { methods: ['GET'] } }] }] } },
]

/** YAML written in place of a value: tags, numbers JSON cannot hold, odd shapes, hostile keys. */
const ODD_VALUES = [
  '!!binary aGVsbG8=', '!!timestamp 2001-12-14', '!!set {a, b}', '!!omap [{a: 1}, {b: 2}]', '!!pairs [{a: 1}]',
  '!foo bar', '!<tag:example.com,2000:x> y', '!!int abc', '!!float xyz', '!!bool maybe', '!!null x',
  '.nan', '.inf', '-.inf', '1e400', '9'.repeat(400), `0x${'f'.repeat(30)}`, '~', '[]', '{}', '[[[[[[[[[[]]]]]]]]]]',
  `"${'x'.repeat(5000)}"`, '"\\u0000"', '"😀"', 'true', '-1', '1.5', '2147483648', '*nowhere', `${'['.repeat(100)}${']'.repeat(100)}`,
  '{__proto__: {polluted: true}}', '{constructor: {prototype: {polluted: true}}}', '!!map {}', '!!seq []', '!!str 5', '0o777', '"  "', '""',
  '[a, [b, {c: d}]]', '{? [a]: b}', '{~: 1}', '{1: a}',
]
const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__']
const BAD_API_VERSIONS = [
  'networking.istio.io/v9', 'networking.istio.io', 'networking.istio.io/', 'v1', 'networking.istio.io/v1/x', 'Networking.Istio.IO/v1',
  'networking.istio.io/V1', 'istio.io/v1', 'security.istio.io/v1', 'networking.istio.io/v1', 'meshdojo.dev/v1alpha1', '7', '[networking.istio.io/v1]',
  '{a: b}', '!!binary aGVsbG8=', '""', '~', 'networking.istio.io/v1alpha3 ', ' networking.istio.io/v1',
]
/** Objects whose keys are checked against Istio's schema (a Object.prototype key there must be rejected). */
const SHAPED = /^(|metadata|spec|spec\.http\[\d+\](\.(route\[\d+\](\.destination)?|match\[\d+\]|fault|retries))?|spec\.subsets\[\d+\]|spec\.servers\[\d+\](\.port)?|spec\.trafficPolicy(\.loadBalancer)?|spec\.mtls|spec\.rules\[\d+\])$/

function nodes(v: Plain, path: Path = [], out: Path[] = []): Path[] {
  if (path.length > 0) out.push(path)
  if (Array.isArray(v)) v.forEach((item, i) => nodes(item, [...path, i], out))
  else if (isMapping(v)) for (const [k, item] of Object.entries(v)) nodes(item, [...path, k], out)
  return out
}
const mappings = (v: Plain): Path[] => [[], ...nodes(v)].filter((p) => isMapping(get(v, p)))
const get = (v: Plain, path: Path): Plain => path.reduce<Plain>((cur, k) => (cur as Record<string | number, Plain>)[k]!, v)
function set(v: Plain, path: Path, value: Plain): Plain {
  const copy = structuredClone(v)
  const parent = get(copy, path.slice(0, -1)) as Record<string | number, Plain>
  parent[path.at(-1)!] = value
  return copy
}

/** `spec.http[0].route["a b"]` → `['spec', 'http', 0, 'route', 'a b']` (the inverse of reporter's `at`). */
function parsePath(field: string): Path {
  const out: Path = []
  const re = /\.?([A-Za-z0-9_@:-]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy
  for (let m = re.exec(field); m !== null; m = re.exec(field)) {
    out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)))
    if (re.lastIndex === field.length) return out
  }
  throw new Error(`not a field path: ${field}`)
}

/**
 * Every step but the last exists in the document as written (the last may be a required field that is
 * missing). Checked on the YAML nodes of the mutated text, so paths into an inserted value count too.
 */
function prefixValid(text: string, field: string): boolean {
  const path = parsePath(field)
  const doc = parseDocument(text, { uniqueKeys: false })
  return path.length > 0 && (path.length === 1 || doc.hasIn(path.slice(0, -1)))
}

interface Case {
  readonly what: string
  readonly text: string
  readonly mustReject?: boolean
  readonly expectField?: string
  readonly apiVersionOf?: string
}

const PLACEHOLDER = 'FUZZ-PLACEHOLDER-7f3a'

function makeCase(rnd: () => number, n: number): Case {
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!
  const base = pick(BASES)
  const kind = (base as { kind: string }).kind
  const r = rnd()
  if (r < 0.4) {
    const path = pick(nodes(base))
    const odd = pick(ODD_VALUES)
    const doc = set(base, path, PLACEHOLDER)
    return { what: `#${n} ${kind} ${at(...joinPath(path))} = ${odd.slice(0, 40)}`, text: stringify(doc).replace(PLACEHOLDER, odd) }
  }
  if (r < 0.65) {
    const path = pick(mappings(base))
    const key = pick(PROTO_KEYS)
    const value = pick(['1', '{}', '{polluted: true}', 'x', '[1]'])
    const doc = set(base, [...path, PLACEHOLDER], PLACEHOLDER)
    const field = [...path, key].reduce<string>((out, k) => at(out, k), '')
    const where = path.reduce<string>((out, k) => at(out, k), '')
    return {
      what: `#${n} ${kind} ${field} inserted`,
      text: stringify(doc).replace(`${PLACEHOLDER}: ${PLACEHOLDER}`, `${key}: ${value}`),
      mustReject: key === '__proto__' || SHAPED.test(where), expectField: field,
    }
  }
  if (r < 0.8) {
    const apiVersion = pick(BAD_API_VERSIONS)
    const info = KIND_LIST.find((k) => k.kind === kind)!
    const valid = info.versions.some((v) => apiVersion.trim() === `${info.group}/${v}`) // YAML trims plain scalars
    const doc = set(base, ['apiVersion'], PLACEHOLDER)
    return {
      what: `#${n} ${kind} apiVersion: ${apiVersion}`, text: stringify(doc).replace(PLACEHOLDER, apiVersion),
      mustReject: !valid,
      // A tag the reader refuses (MD0011) names apiVersion too, but cannot say which versions a kind takes.
      ...(valid ? {} : { expectField: 'apiVersion', ...(apiVersion.startsWith('!') ? {} : { apiVersionOf: `${info.group}/${info.versions[0]}` }) }),
    }
  }
  // A key written twice: a block mapping line repeated just before itself, same indentation.
  const text = stringify(base)
  const lines = text.split('\n')
  const candidates = lines.map((l, i) => [l, i] as const).filter(([l]) => /^ *[A-Za-z][\w-]*:( |$)/.test(l))
  const [line, index] = pick(candidates)
  const dup = `${line.match(/^ *[A-Za-z][\w-]*:/)![0]} 1`
  return { what: `#${n} ${kind} duplicate "${line.trim().slice(0, 30)}"`, text: [...lines.slice(0, index), dup, ...lines.slice(index)].join('\n'), mustReject: true }
}

const joinPath = (path: Path): [string, string | number] => [path.slice(0, -1).reduce<string>((out, k) => at(out, k), ''), path.at(-1)!]

describe(`config edge fuzz (seed ${SEED}, ${CASES} cases)`, () => {
  const rnd = random(SEED)
  const cases = Array.from({ length: CASES }, (_, i) => makeCase(rnd, i))

  test('every case: no throw; a rejected case names an existing field; mutations are reported where they were made', () => {
    const failures: string[] = []
    const started = performance.now()
    let rejected = 0
    for (const c of cases) {
      let diagnostics: readonly Diagnostic[]
      try {
        diagnostics = parseConfig(c.text, 'fuzz.yaml').diagnostics
        for (const d of diagnostics) formatDiagnostic(d)
      } catch (err) {
        failures.push(`${c.what}: parseConfig threw ${(err as Error).stack?.split('\n').slice(0, 3).join(' ')}`)
        continue
      }
      try {
        new ConfigStore().applyText(c.text, 'fuzz.yaml')
      } catch (err) {
        if (!(err instanceof ConfigRejectedError)) failures.push(`${c.what}: applyText threw ${(err as Error).name}: ${(err as Error).message.slice(0, 200)}`)
      }
      const errors = diagnostics.filter((d) => d.level === 'Error')
      if (errors.length === 0) {
        if (c.mustReject) failures.push(`${c.what}: accepted`)
        continue
      }
      rejected++
      const fields = errors.flatMap((d) => (d.field === undefined ? [] : [d.field]))
      if (!fields.some((f) => prefixValid(c.text, f))) failures.push(`${c.what}: no error names a field of the document: ${errors.map(formatDiagnostic).join(' | ').slice(0, 300)}`)
      if (c.expectField !== undefined && !fields.includes(c.expectField)) failures.push(`${c.what}: no error on ${c.expectField}: ${errors.map(formatDiagnostic).join(' | ').slice(0, 300)}`)
      if (c.apiVersionOf !== undefined && !errors.some((d) => d.field === 'apiVersion' && d.message.includes(c.apiVersionOf!))) {
        failures.push(`${c.what}: apiVersion error does not name ${c.apiVersionOf}`)
      }
    }
    expect(failures).toEqual([])
    expect(rejected).toBeGreaterThan(CASES / 2)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(performance.now() - started).toBeLessThan(15_000)
  })
})
