/**
 * Request bodies decoded into Toxiproxy's Go structs, so field types, case-insensitive keys and
 * error texts match `encoding/json` exactly. Used for REST bodies and programmatic input alike.
 */
import { errors } from './errors.ts'
import { type Decoded, decodeArray, decodeStruct, type GoStruct, GoJsonError, type JsonNode, nodeFromValue, parseGoJson } from './go-json.ts'
import type { ToxicKind } from './toxics/types.ts'

/** A request body not parsed yet: the store parses it at the point Toxiproxy would (after its 404 checks). */
export class RawJson {
  constructor(readonly bytes: Uint8Array) {}
}

/** The body as a node: raw bytes are parsed (400 `bad request body: …` on syntax errors); values converted. */
export function bodyNode(input: unknown): JsonNode {
  if (!(input instanceof RawJson)) return nodeFromValue(input)
  try {
    return parseGoJson(input.bytes)
  } catch (error) {
    if (error instanceof GoJsonError) throw errors.badRequestBody(error.message)
    throw error
  }
}

/** Runs a decode, turning Go type errors into 400 `bad request body: json: cannot unmarshal …`. */
function decoding<T>(decode: () => T): T {
  try {
    return decode()
  } catch (error) {
    if (error instanceof GoJsonError) throw errors.badRequestBody(error.message)
    throw error
  }
}

const PROXY: GoStruct = {
  name: 'Proxy',
  type: 'toxiproxy.Proxy',
  fields: { name: 'string', listen: 'string', upstream: 'string', enabled: 'bool' },
}

// Populate decodes into an anonymous struct embedding Proxy, with a nullable `enabled`.
const POPULATE_ITEM: GoStruct = {
  name: '',
  type: 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }',
  fields: PROXY.fields,
}
const POPULATE_TYPE = `[]${POPULATE_ITEM.type}`

/** Decoded proxy fields; absent strings are empty, as in Go. */
export interface ProxyFields {
  readonly name: string
  readonly listen: string
  readonly upstream: string
  readonly enabled: boolean | undefined
}

const proxyFields = (d: Decoded): ProxyFields => ({
  name: (d.name as string | undefined) ?? '',
  listen: (d.listen as string | undefined) ?? '',
  upstream: (d.upstream as string | undefined) ?? '',
  enabled: d.enabled as boolean | undefined,
})

/**
 * `POST /proxies` and `POST|PATCH /proxies/{p}` bodies (Go's `toxiproxy.Proxy`), decoded over
 * `defaults` as Go does: a field that is absent or null keeps its default.
 */
export const decodeProxy = (node: JsonNode, defaults: Partial<ProxyFields> = {}): ProxyFields =>
  decoding(() => proxyFields(decodeStruct(node, PROXY, { ...defaults })))

/** `POST /populate`: an array of proxies. */
export const decodePopulate = (node: JsonNode): ProxyFields[] => decoding(() => decodeArray(node, POPULATE_ITEM, POPULATE_TYPE).map(proxyFields))

// The first decode of a new toxic: attributes go into a NoopToxic (kind errors only); the typed
// decode follows once the type is known and the name is known to be free.
const TOXIC_WRAPPER: GoStruct = {
  name: 'ToxicWrapper',
  type: 'toxics.ToxicWrapper',
  fields: { name: 'string', type: 'string', stream: 'string', toxicity: 'float32', attributes: { raw: 'toxics.NoopToxic' } },
}

/** The envelope of `POST /proxies/{p}/toxics`. */
export interface ToxicFields {
  readonly name: string
  readonly type: string
  readonly stream: string | undefined
  readonly toxicity: number | undefined
  readonly attributes: JsonNode | undefined
}

/** The first decode of a new toxic: the envelope only, attributes kept raw until the type is known. */
export const decodeToxic = (node: JsonNode): ToxicFields =>
  decoding(() => {
    const d = decodeStruct(node, TOXIC_WRAPPER)
    return {
      name: (d.name as string | undefined) ?? '',
      type: (d.type as string | undefined) ?? '',
      stream: d.stream as string | undefined,
      toxicity: d.toxicity as number | undefined,
      attributes: d.attributes as JsonNode | undefined,
    }
  })

/** The Go struct of a kind's attributes (`toxics.LatencyToxic`). */
function attributesStruct(kind: ToxicKind): GoStruct {
  return {
    name: kind.goStruct,
    type: `toxics.${kind.goStruct}`,
    fields: Object.fromEntries(kind.attributes.map((a) => [a.name, a.goType])),
  }
}

const zeroAttributes = (kind: ToxicKind) => Object.fromEntries(kind.attributes.map((a) => [a.name, 0]))

/** Throws 400 for a value below its attribute's `min`, after Go-style decoding has succeeded. */
function checkRanges(kind: ToxicKind, attributes: Record<string, number>): Record<string, number> {
  for (const a of kind.attributes) {
    const value = attributes[a.name] ?? 0
    if (a.min !== undefined && value < a.min) throw errors.attributeOutOfRange(kind.type, a.name, value, a.min, a.minWhy)
  }
  return attributes
}

/** A new toxic's attributes: every field of the kind, 0 where omitted. */
export function decodeAttributes(kind: ToxicKind, node: JsonNode | undefined): Record<string, number> {
  const envelope: GoStruct = { name: '', type: 'struct { Attributes interface {} "json:\\"attributes\\"" }', fields: { attributes: attributesStruct(kind) } }
  if (node === undefined) return zeroAttributes(kind)
  const decoded = decoding(() => ({ ...zeroAttributes(kind), ...(decodeStruct({ kind: 'object', entries: [['attributes', node]] }, envelope).attributes as Record<string, number> | undefined) }))
  return checkRanges(kind, decoded)
}

/** `POST|PATCH /proxies/{p}/toxics/{t}`: attributes decoded over the current ones; toxicity kept if omitted. */
export function decodeToxicUpdate(kind: ToxicKind, node: JsonNode, current: { attributes: Readonly<Record<string, number>>; toxicity: number }) {
  const struct: GoStruct = {
    name: '',
    type: 'struct { Attributes interface {} "json:\\"attributes\\""; Toxicity float32 "json:\\"toxicity\\"" }',
    fields: { attributes: attributesStruct(kind), toxicity: 'float32' },
  }
  return decoding(() => {
    const d = decodeStruct(node, struct, { attributes: { ...current.attributes }, toxicity: current.toxicity })
    return { attributes: checkRanges(kind, d.attributes as Record<string, number>), toxicity: d.toxicity as number }
  })
}
