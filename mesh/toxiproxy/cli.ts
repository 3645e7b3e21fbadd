/**
 * `meshdojo toxic …`: toxiproxy-cli's toxic commands (same flags) plus list, reset and
 * enable/disable, against any Toxiproxy URL. Errors are one line naming what was wrong.
 */
import { createToxiproxyClient } from './client.ts'
import { ToxiproxyError } from './errors.ts'
import { formatFloat32 } from './json-out.ts'
import { TOXIC_KINDS, toxicKind } from './toxics/index.ts'
import type { ProxyJson, ToxicInput, ToxiproxyApi } from './types.ts'

/** Where the command talks to and writes. */
export interface ToxicCommandIo {
  /** Toxiproxy API base URL. */
  readonly url: string
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** Override the API (tests, or an embedded store); default: an HTTP client for `url`. */
  readonly api?: ToxiproxyApi
}

/** Exit codes: 0 ok, 1 the server refused or was unreachable, 2 bad usage. */
const EXIT_OK = 0
const EXIT_FAILED = 1
const EXIT_USAGE = 2

/** The `--help` text. */
export const TOXIC_USAGE = `Usage: meshdojo toxic <command> [options]

Commands:
  add <proxy> -t <type> [-a key=value]... [-n <name>] [-u|--upstream | -d|--downstream] [--tox <0..1>]
  update <proxy> -n <name> [-a key=value]... [--tox <0..1>]
  remove <proxy> -n <name>          (aliases: rm, delete)
  list                              proxies and their toxics (alias: ls)
  reset                             enable every proxy, remove every toxic
  enable <proxy> | disable <proxy>  ("down" in Toxiproxy is a disabled proxy)

Toxic types and attributes (integers; times in ms unless noted):
  latency     latency=<ms> jitter=<ms>
  bandwidth   rate=<KB/s, 1 KB = 1000 bytes; 0 stalls the stream>
  slow_close  delay=<ms>
  timeout     timeout=<ms, 0 = never close>       drops all data on the stream
  reset_peer  timeout=<ms>                         closes with a TCP RST
  slicer      average_size=<bytes> size_variation=<bytes> delay=<microseconds>
  limit_data  bytes=<bytes>
  noop

Example: meshdojo toxic add reviews-v2 -t latency -a latency=1000 -a jitter=50
`

/** A usage mistake: reported in one line, exit 2. */
class UsageError extends Error {}

interface ParsedFlags {
  positional: string[]
  values: Map<string, string[]>
  switches: Set<string>
}

/** Flag spellings per command: canonical name ← aliases. */
const VALUE_FLAGS: Record<string, string> = {
  '-t': 'type', '--type': 'type',
  '-n': 'name', '--name': 'name', '--toxicName': 'name', '--toxic-name': 'name',
  '-a': 'attribute', '--attribute': 'attribute',
  '--tox': 'toxicity', '--toxicity': 'toxicity',
}
const SWITCH_FLAGS: Record<string, string> = { '-u': 'upstream', '--upstream': 'upstream', '-d': 'downstream', '--downstream': 'downstream' }

function parseFlags(command: string, args: readonly string[], allowed: readonly string[]): ParsedFlags {
  const parsed: ParsedFlags = { positional: [], values: new Map(), switches: new Set() }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (!arg.startsWith('-') || arg === '-') {
      parsed.positional.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const flag = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg
    const name = VALUE_FLAGS[flag] ?? SWITCH_FLAGS[flag]
    if (!name || !allowed.includes(name)) throw new UsageError(`unknown option ${flag} for 'toxic ${command}'`)
    if (SWITCH_FLAGS[flag]) {
      parsed.switches.add(name)
      continue
    }
    const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : args[++i]
    if (value === undefined) throw new UsageError(`option ${flag} needs a value`)
    parsed.values.set(name, [...(parsed.values.get(name) ?? []), value])
  }
  return parsed
}

const single = (flags: ParsedFlags, name: string): string | undefined => flags.values.get(name)?.at(-1)

function proxyArg(command: string, flags: ParsedFlags): string {
  const [proxy, extra] = flags.positional
  if (!proxy) throw new UsageError(`'toxic ${command}' needs a proxy name`)
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}' for 'toxic ${command}'`)
  return proxy
}

function toxicityArg(flags: ParsedFlags): number | undefined {
  const raw = single(flags, 'toxicity')
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(`--toxicity must be a number from 0 to 1, got '${raw}'`)
  }
  return value
}

/** `-a k=v` (repeatable, or `k=v,k2=v2`), checked against the type's attributes. */
function attributesArg(flags: ParsedFlags, type: string | undefined): Record<string, number> {
  const kind = type === undefined ? undefined : toxicKind(type)
  const out: Record<string, number> = {}
  for (const raw of (flags.values.get('attribute') ?? []).flatMap((a) => a.split(','))) {
    const eq = raw.indexOf('=')
    if (eq <= 0) throw new UsageError(`attribute '${raw}' should look like key=value`)
    const key = raw.slice(0, eq).trim()
    const value = raw.slice(eq + 1).trim()
    if (kind && !kind.attributes.some((a) => a.name === key)) {
      const valid = kind.attributes.map((a) => a.name).join(', ') || 'none'
      throw new UsageError(`unknown attribute '${key}' for a ${kind.type} toxic (valid: ${valid})`)
    }
    if (!/^-?\d+$/.test(value)) throw new UsageError(`attribute ${key} must be an integer, got '${value}'`)
    out[key] = Number(value)
  }
  return out
}

/**
 * Runs a toxic command. `argv` is what follows `meshdojo toxic` (a leading `toxic` is accepted
 * too). Returns the exit code: 0 done, 1 the server refused or was unreachable, 2 bad usage.
 */
export async function runToxicCommand(argv: readonly string[], io: ToxicCommandIo): Promise<number> {
  const args = argv[0] === 'toxic' ? argv.slice(1) : [...argv]
  const [command, ...rest] = args
  if (command === undefined || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help')) {
    ;(command === undefined ? io.stderr : io.stdout)(TOXIC_USAGE)
    return command === undefined ? EXIT_USAGE : EXIT_OK
  }
  const api = io.api ?? createToxiproxyClient(io.url)
  try {
    switch (command) {
      case 'add':
      case 'a':
        return await add(api, io, rest)
      case 'update':
      case 'u':
        return await update(api, io, rest)
      case 'remove':
      case 'rm':
      case 'delete':
      case 'r':
        return await remove(api, io, rest)
      case 'list':
      case 'ls':
        parseFlags('list', rest, []).positional.forEach((p) => {
          throw new UsageError(`unexpected argument '${p}' for 'toxic list'`)
        })
        io.stdout(formatTable(Object.values(await api.listProxies())))
        return EXIT_OK
      case 'reset':
        if (rest.length > 0) throw new UsageError(`'toxic reset' takes no arguments`)
        await api.reset()
        io.stdout('Reset: every proxy enabled, every toxic removed\n')
        return EXIT_OK
      case 'enable':
      case 'disable': {
        const proxy = proxyArg(command, parseFlags(command, rest, []))
        await api.updateProxy(proxy, { enabled: command === 'enable' })
        io.stdout(`Proxy '${proxy}' is now ${command}d\n`)
        return EXIT_OK
      }
      default:
        throw new UsageError(`unknown command '${command}' (try: add, update, remove, list, reset, enable, disable, --help)`)
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n`)
      return EXIT_USAGE
    }
    if (error instanceof ToxiproxyError) {
      io.stderr(`error: ${error.message}\n`)
      return EXIT_FAILED
    }
    throw error
  }
}

async function add(api: ToxiproxyApi, io: ToxicCommandIo, args: readonly string[]): Promise<number> {
  const flags = parseFlags('add', args, ['type', 'name', 'attribute', 'toxicity', 'upstream', 'downstream'])
  const proxy = proxyArg('add', flags)
  const type = single(flags, 'type')
  if (!type) throw new UsageError(`'toxic add' needs a type: -t <${[...TOXIC_KINDS.keys()].join('|')}>`)
  if (!toxicKind(type)) throw new UsageError(`unknown toxic type '${type}' (valid: ${[...TOXIC_KINDS.keys()].join(', ')})`)
  if (flags.switches.has('upstream') && flags.switches.has('downstream')) throw new UsageError('give only one of --upstream and --downstream')
  const input: ToxicInput = {
    type,
    stream: flags.switches.has('upstream') ? 'upstream' : 'downstream',
    attributes: attributesArg(flags, type),
  }
  const name = single(flags, 'name')
  if (name) input.name = name
  const toxicity = toxicityArg(flags)
  if (toxicity !== undefined) input.toxicity = toxicity
  const toxic = await failing(`add toxic to proxy '${proxy}'`, api.addToxic(proxy, input))
  io.stdout(`Added ${toxic.stream} ${toxic.type} toxic '${toxic.name}' on proxy '${proxy}'\n`)
  return EXIT_OK
}

async function update(api: ToxiproxyApi, io: ToxicCommandIo, args: readonly string[]): Promise<number> {
  const flags = parseFlags('update', args, ['name', 'attribute', 'toxicity'])
  const proxy = proxyArg('update', flags)
  const name = single(flags, 'name')
  if (!name) throw new UsageError(`'toxic update' needs the toxic's name: -n <name>`)
  // Fetch it first to check attribute names against its type (Toxiproxy would ignore typos).
  const current = await failing(`update toxic '${name}' on proxy '${proxy}'`, api.getToxic(proxy, name))
  const attributes = attributesArg(flags, current.type)
  const toxicity = toxicityArg(flags)
  if (Object.keys(attributes).length === 0 && toxicity === undefined) throw new UsageError(`'toxic update' needs -a key=value or --toxicity`)
  await failing(`update toxic '${name}' on proxy '${proxy}'`, api.updateToxic(proxy, name, toxicity === undefined ? { attributes } : { attributes, toxicity }))
  io.stdout(`Updated toxic '${name}' on proxy '${proxy}'\n`)
  return EXIT_OK
}

async function remove(api: ToxiproxyApi, io: ToxicCommandIo, args: readonly string[]): Promise<number> {
  const flags = parseFlags('remove', args, ['name'])
  const proxy = proxyArg('remove', flags)
  const name = single(flags, 'name')
  if (!name) throw new UsageError(`'toxic remove' needs the toxic's name: -n <name>`)
  await failing(`remove toxic '${name}' from proxy '${proxy}'`, api.removeToxic(proxy, name))
  io.stdout(`Removed toxic '${name}' on proxy '${proxy}'\n`)
  return EXIT_OK
}

/** Prefixes a server error with what we were doing: `cannot add toxic to proxy 'x': HTTP 404: proxy not found`. */
async function failing<T>(what: string, pending: Promise<T>): Promise<T> {
  try {
    return await pending
  } catch (error) {
    throw error instanceof ToxiproxyError ? withContext(error, what) : error
  }
}

function withContext(error: ToxiproxyError, what: string): ToxiproxyError {
  const wrapped = new ToxiproxyError(error.status, error.detail, { cause: error, code: error.code })
  Object.defineProperty(wrapped, 'message', { value: `cannot ${what}: ${error.message}` })
  return wrapped
}

/** Proxies and their toxics, one row per toxic, columns aligned. */
export function formatTable(proxies: readonly ProxyJson[]): string {
  if (proxies.length === 0) return 'No proxies.\n'
  const header = ['PROXY', 'LISTEN', 'UPSTREAM', 'ENABLED', 'TOXIC', 'TYPE', 'STREAM', 'TOXICITY', 'ATTRIBUTES']
  const rows: string[][] = []
  for (const p of [...proxies].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const base = [p.name, p.listen, p.upstream, p.enabled ? 'yes' : 'no']
    if (p.toxics.length === 0) rows.push([...base, '-', '', '', '', ''])
    for (const t of p.toxics) {
      const attributes = Object.entries(t.attributes).map(([k, v]) => `${k}=${v}`).join(' ')
      rows.push([...base, t.name, t.type, t.stream, formatFloat32(t.toxicity), attributes])
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(header), ...rows.map(line)].join('\n') + '\n'
}
