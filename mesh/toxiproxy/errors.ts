/** Toxiproxy's API errors: the exact texts and statuses its clients (and the Go CLI) expect. */
import type { ProxyJson } from './types.ts'

/**
 * An error the Toxiproxy API answers with `{"error": detail, "status": status}`.
 * The embedded store and the HTTP client both throw it, so callers handle one type;
 * `message` reads like the Go client's: `HTTP 404: proxy not found`.
 */
export class ToxiproxyError extends Error {
  override readonly name = 'ToxiproxyError'
  constructor(
    /** The HTTP status the API answers with (0 when the server could not be reached). */
    readonly status: number,
    /** The server's error text, verbatim. */
    readonly detail: string,
    options?: {
      cause?: unknown
      /** Node's errno code when the cause was a socket error (e.g. `EADDRINUSE`). */
      code?: string
      /** For a failed populate: the proxies created or kept before the failure. */
      proxies?: readonly ProxyJson[]
    },
  ) {
    super(status === 0 ? detail : `HTTP ${status}: ${detail}`, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = options?.code
    this.proxies = options?.proxies
  }
  readonly code: string | undefined
  readonly proxies: readonly ProxyJson[] | undefined
}

/** Toxiproxy's sentinel errors (api.go), one constructor each so texts live in one place. */
export const errors = {
  badRequestBody: (decoderMessage: string) => new ToxiproxyError(400, `bad request body: ${decoderMessage}`),
  missingField: (what: string) => new ToxiproxyError(400, `missing required field: ${what}`),
  proxyNotFound: () => new ToxiproxyError(404, 'proxy not found'),
  proxyAlreadyExists: () => new ToxiproxyError(409, 'proxy already exists'),
  invalidStream: () => new ToxiproxyError(400, 'stream was invalid, can be either upstream or downstream'),
  invalidToxicType: () => new ToxiproxyError(400, 'invalid toxic type'),
  toxicAlreadyExists: () => new ToxiproxyError(409, 'toxic already exists'),
  toxicNotFound: () => new ToxiproxyError(404, 'toxic not found'),
  /** Not in Toxiproxy (it has no range checks): a value it would crash on, in its bad-body form. */
  attributeOutOfRange: (type: string, attribute: string, value: number, min: number, why?: string) =>
    new ToxiproxyError(400, `bad request body: invalid value ${value} for ${type} attribute ${attribute}: must be ${min} or more${why ? ` (${why})` : ''}`),
  /** Any other failure (bind, resolve): Go answers 500 with the error text verbatim. */
  internal: (text: string, code?: string, cause?: unknown) => new ToxiproxyError(500, text, { code, cause }),
  /** Extension: meshdojo caps request bodies so a runaway client can't exhaust memory. */
  bodyTooLarge: (limitBytes: number) => new ToxiproxyError(413, `request body too large (limit ${limitBytes} bytes)`),
} as const
