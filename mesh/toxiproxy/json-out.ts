/**
 * JSON the way Toxiproxy's Go server writes it: field order, `"Logger":{}`, float32 toxicity in
 * shortest form, HTML-safe escapes, and map keys sorted bytewise.
 */
import type { ProxyJson, ToxicJson } from './types.ts'

/** A JSON string as Go's encoder escapes it (`<`, `>`, `&`, U+2028/9 as \u escapes). */
export function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** A float32 in the shortest decimal that reads back as the same float32 (Go's `'g'`-like output). */
export function formatFloat32(value: number): string {
  const f = Math.fround(value)
  if (Object.is(f, -0)) return '-0'
  if (!Number.isFinite(f)) return 'null'
  for (let precision = 1; precision <= 9; precision++) {
    const shortest = Number(f.toPrecision(precision))
    if (Math.fround(shortest) === f) return String(shortest)
  }
  return String(f)
}

/** Integers as Go prints int64 (no exponent). */
const goInt = (n: number): string => (Number.isSafeInteger(n) ? String(n) : BigInt(Math.trunc(n)).toString())

/** `{"attributes":{…},"name":…,"type":…,"stream":…,"toxicity":…}` */
export function toxicToJson(t: ToxicJson): string {
  const attributes = Object.entries(t.attributes)
    .map(([k, v]) => `${goString(k)}:${goInt(v)}`)
    .join(',')
  return `{"attributes":{${attributes}},"name":${goString(t.name)},"type":${goString(t.type)},"stream":${goString(t.stream)},"toxicity":${formatFloat32(t.toxicity)}}`
}

/** A toxic list, as `GET /proxies/{p}/toxics` answers. */
export const toxicsToJson = (toxics: readonly ToxicJson[]): string => `[${toxics.map(toxicToJson).join(',')}]`

/** `{"name":…,"listen":…,"upstream":…,"enabled":…,"Logger":{},"toxics":[…]}` */
export function proxyToJson(p: ProxyJson): string {
  return `{"name":${goString(p.name)},"listen":${goString(p.listen)},"upstream":${goString(p.upstream)},"enabled":${p.enabled},"Logger":{},"toxics":${toxicsToJson(p.toxics)}}`
}

/** Go's map encoding: keys sorted by their UTF-8 bytes. */
export function proxyMapToJson(proxies: Readonly<Record<string, ProxyJson>>): string {
  const names = Object.keys(proxies).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  return `{${names.map((n) => `${goString(n)}:${proxyToJson(proxies[n]!)}`).join(',')}}`
}

/** `/populate`'s body; on failure the error fields come first, as Go's embedded struct puts them. */
export function populateToJson(proxies: readonly ProxyJson[], error?: { detail: string; status: number }): string {
  const list = `[${proxies.map(proxyToJson).join(',')}]`
  return error ? `{"error":${goString(error.detail)},"status":${error.status},"proxies":${list}}` : `{"proxies":${list}}`
}

/** The body of every API error: `{"error":"…","status":N}` plus http.Error's newline. */
export const errorBody = (detail: string, status: number): string => `{"error":${goString(detail)},"status":${status}}\n`
