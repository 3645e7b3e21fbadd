/**
 * Whether a request to a loopback control API (the admin API, the Toxiproxy API) came from a local
 * tool or from a web page. Listening on 127.0.0.1 keeps other machines out, but not the browser of
 * the user running the demo: any page it shows can send "simple" requests (a form post, a no-cors
 * fetch with a text/plain body) to 127.0.0.1 without asking, and DNS rebinding lets a page on a
 * foreign name (evil.example, resolved to 127.0.0.1 after it loaded) send anything and read the
 * answers. Browsers give both away: a foreign `Host` or `Origin`, a `Sec-Fetch-Site` of
 * `cross-site`/`same-site`, or a body type a form can send. The meshdojo CLI, curl, toxiproxy-cli
 * and the Toxiproxy clients send none of these. Framework-free, so both servers use this one check.
 */
import { isIP } from 'node:net'

/** The headers of one request that tell a browser apart from a local tool. */
export interface CallerHeaders {
  readonly method: string
  readonly host?: string
  readonly origin?: string
  readonly secFetchSite?: string
  readonly contentType?: string
}

export interface LocalOriginPolicy {
  /** The address the server listens on (e.g. 127.0.0.1, or a LAN address with allowRemote): also a valid Host. */
  readonly boundHost: string
  /**
   * Refuse state-changing requests whose body type an HTML form or a no-cors fetch can send without a
   * CORS preflight. The admin API does (its clients send application/yaml or JSON); the Toxiproxy API
   * doesn't, because curl's `-d` (form-urlencoded) is how Toxiproxy's own docs post JSON.
   */
  readonly refuseFormBodies: boolean
}

/** What every refusal ends with: who may call, and where the reasons are written down. */
export const LOCAL_CALLERS_ONLY = 'only the meshdojo CLI and local tools may call this API (see docs/security.md)'

/** The content types a browser may send cross-site without a preflight (Fetch's CORS-safelisted ones). */
const FORM_BODY_TYPES: ReadonlySet<string> = new Set(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'])

const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '::1']

/**
 * undefined if the request may be served; otherwise why it is refused, in one sentence ending with
 * LOCAL_CALLERS_ONLY (the caller prefixes the API's name and answers 403).
 */
export function localOriginRefusal(req: CallerHeaders, policy: LocalOriginPolicy): string | undefined {
  const names = allowedNames(policy.boundHost)
  const wildcard = isWildcard(policy.boundHost)
  // A name that is neither loopback nor ours can only come from DNS rebinding (or a misdirected
  // proxy). An IP literal can't be rebound, so a wildcard bind (0.0.0.0, ::) takes any.
  const host = req.host === undefined ? undefined : splitHost(req.host)
  if (req.host !== undefined && (!host || !(names.includes(host.name) || (wildcard && isIP(host.name) !== 0)))) {
    return `refused a request with Host ${req.host}: this API answers to ${nameList(names, wildcard)} only, and any other name means a web page reached it through DNS rebinding; ${LOCAL_CALLERS_ONLY}`
  }
  // Local tools send no Origin; a browser sends one on every cross-origin request but top-level GETs.
  // Only the API's own origin (same name rules, same port as Host) is not a foreign page.
  if (req.origin !== undefined && !sameLocalOrigin(req.origin, host, names, wildcard)) {
    return `refused a request with Origin ${req.origin}: ${LOCAL_CALLERS_ONLY}`
  }
  const site = req.secFetchSite?.trim().toLowerCase()
  if (site === 'cross-site' || site === 'same-site') {
    return `refused a request with Sec-Fetch-Site ${site}: a browser sent it for another web page; ${LOCAL_CALLERS_ONLY}`
  }
  const method = req.method.toUpperCase()
  if (policy.refuseFormBodies && method !== 'GET' && method !== 'HEAD' && req.contentType !== undefined) {
    const essence = req.contentType.split(';', 1)[0]!.trim().toLowerCase()
    if (FORM_BODY_TYPES.has(essence)) {
      return `refused a ${method} with content-type ${essence}: any web page can send that without asking, so send YAML as application/yaml and JSON as application/json (curl: -H 'content-type: application/yaml'); ${LOCAL_CALLERS_ONLY}`
    }
  }
  return undefined
}

/** `name`, `name:port`, `[v6]` or `[v6]:port`, with the name lower-cased and unbracketed; undefined if malformed. */
function splitHost(value: string): { name: string; port: string } | undefined {
  const v = value.trim().toLowerCase()
  let name: string
  let rest: string
  if (v.startsWith('[')) {
    const end = v.indexOf(']')
    if (end < 0) return undefined
    name = v.slice(1, end)
    rest = v.slice(end + 1)
  } else {
    const colon = v.indexOf(':')
    name = colon < 0 ? v : v.slice(0, colon)
    rest = colon < 0 ? '' : v.slice(colon)
  }
  if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined
  if (name === '') return undefined
  return { name, port: rest.slice(1) || '80' }
}

/** Origin `http://<allowed name>[:port]` whose port is the one the request was sent to (its Host's). */
function sameLocalOrigin(origin: string, host: { name: string; port: string } | undefined, names: readonly string[], wildcard: boolean): boolean {
  if (!host) return false
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false // "null" (sandboxed frames, file: pages) and garbage
  }
  if (url.protocol !== 'http:' || url.origin !== origin.trim().toLowerCase().replace(/:80$/, '')) return false
  const name = url.hostname.replace(/^\[(.*)\]$/, '$1')
  if (!(names.includes(name) || (wildcard && isIP(name) !== 0))) return false
  return (url.port || '80') === host.port
}

function allowedNames(boundHost: string): readonly string[] {
  const bound = boundHost.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')
  return bound === '' || LOOPBACK_NAMES.includes(bound) ? LOOPBACK_NAMES : [...LOOPBACK_NAMES, bound]
}

function isWildcard(boundHost: string): boolean {
  const h = boundHost.trim().replace(/^\[(.*)\]$/, '$1')
  return h === '' || h === '0.0.0.0' || h === '::'
}

function nameList(names: readonly string[], wildcard: boolean): string {
  const shown = names.map((n) => (n.includes(':') ? `[${n}]` : n))
  return wildcard ? `${shown.join(', ')} or an IP address` : shown.join(', ')
}
