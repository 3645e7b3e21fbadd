/**
 * The `:` command line (k9s style), parsed into actions:
 *   :apply FILE · :fault ratings delay 7s user=jason · :fault ratings abort 500 50% · :fault ratings off
 *   :split reviews v1=80 v3=20 · :mirror on|off [service] · :toxic ratings-v1 latency 500 · :toxic ratings-v1 remove
 *   :user jason · :rate 10 · :reset · :q    (and in a workshop: :next :check :hint :solve)
 */
import { parseGoDuration } from '../../mesh/control/index.ts'
import type { LoadUser } from '../load/background-load.ts'
import { LOAD_USERS, type MeshAction, type ToxicKind } from './actions.ts'

export type Parsed = MeshAction | { readonly error: string }

export const COMMAND_HELP: readonly (readonly [string, string])[] = [
  [':fault ratings delay 7s user=jason', 'delay (or abort 500) a service; 50% for a share; off removes it'],
  [':fault ratings abort 500 50%', 'abort half of the requests to ratings with a 500'],
  [':split reviews v1=80 v3=20', 'weighted routing to subsets (adds up to 100)'],
  [':mirror on|off [service]', 'mirror reviews v1 → v2 (httpbin when it runs)'],
  [':toxic ratings-v1 latency 500', 'Toxiproxy toxic: latency ms, bandwidth KB/s, reset_peer, timeout ms, remove'],
  [':apply FILE', 'apply Istio YAML, like meshdojo apply -f FILE'],
  [':user jason · :rate 10', 'who the load logs in as (anonymous, jason, mixed); page loads per second'],
  [':reset · :q', 'config, toxics and load back to the start · quit'],
]

const COMMANDS = 'apply, fault, split, mirror, toxic, user, rate, reset, q'
const TOXICS: Readonly<Record<string, ToxicKind>> = {
  latency: 'latency',
  bandwidth: 'bandwidth',
  reset_peer: 'reset_peer',
  reset: 'reset_peer',
  timeout: 'timeout',
  remove: 'remove',
  off: 'remove',
  rm: 'remove',
}

export function parseCommand(line: string): Parsed {
  const [name = '', ...args] = line.trim().replace(/^:/, '').trim().split(/\s+/).filter(Boolean)
  switch (name.toLowerCase()) {
    case '':
      return { error: 'empty command; try :fault, :split, :mirror, :toxic, :apply, :reset or :q' }
    case 'q':
    case 'q!':
    case 'quit':
    case 'exit':
      return { type: 'quit' }
    case 'reset':
      return { type: 'reset' }
    case 'apply': {
      const file = args[0] === '-f' ? args[1] : args[0]
      return file ? { type: 'apply', file } : { error: 'usage: :apply FILE (Istio YAML, as for meshdojo apply -f)' }
    }
    case 'fault':
      return parseFault(args)
    case 'split':
      return parseSplit(args)
    case 'mirror':
      return parseMirror(args)
    case 'toxic':
      return parseToxic(args)
    case 'user':
      if (!args[0]) return { type: 'user' }
      return LOAD_USERS.includes(args[0] as LoadUser) ? { type: 'user', user: args[0] as LoadUser } : { error: `user must be one of ${LOAD_USERS.join(', ')}, got "${args[0]}"` }
    case 'rate':
    case 'load': {
      const rps = Number(args[0])
      return args[0] && Number.isFinite(rps) && rps >= 0 && rps <= 1000 ? { type: 'rate', rps } : { error: 'usage: :rate N (page loads per second, 0–1000)' }
    }
    case 'next':
    case 'check':
    case 'hint':
    case 'solve':
      return { type: 'lesson', op: name.toLowerCase() as 'next' | 'check' | 'hint' | 'solve' }
    default:
      return { error: `unknown command "${name}"; commands: ${COMMANDS} (press ? for help)` }
  }
}

const FAULT_USAGE = 'usage: :fault SERVICE delay 7s|abort 500 [50%] [user=jason], or :fault SERVICE off'

function parseFault(args: readonly string[]): Parsed {
  const [service, kind, value, ...rest] = args
  if (!service || !kind) return { error: FAULT_USAGE }
  if (kind === 'off' || kind === 'remove' || kind === 'none') return { type: 'fault', service, fault: { kind: 'off' }, percent: 0 }
  let percent = 100
  let user: string | undefined
  for (const word of rest) {
    if (word === 'match') continue
    const pct = /^(\d+(?:\.\d+)?)%$/.exec(word)
    const who = /^(?:user|end-user)=(.+)$/.exec(word)
    if (pct) percent = Number(pct[1])
    else if (who) user = who[1] === '*' || who[1] === 'everyone' ? undefined : who[1]
    else return { error: `unexpected "${word}"; ${FAULT_USAGE}` }
  }
  if (percent > 100) return { error: `percentage must be 0–100, got ${percent}%` }
  const base = { type: 'fault' as const, service, percent, ...(user ? { user } : {}) }
  if (kind === 'delay') {
    const d = value ? parseGoDuration(value) : undefined
    if (!d?.ok || d.ns < 1_000_000n) return { error: `delay needs a duration like 7s or 500ms, got "${value ?? ''}"` }
    return { ...base, fault: { kind: 'delay', ms: Number(d.ns / 1_000_000n) } }
  }
  if (kind === 'abort') {
    const status = Number(value)
    if (!Number.isInteger(status) || status < 200 || status > 599) return { error: `abort needs an HTTP status 200–599, got "${value ?? ''}"` }
    return { ...base, fault: { kind: 'abort', status } }
  }
  return { error: `fault kind must be delay, abort or off, got "${kind}"; ${FAULT_USAGE}` }
}

function parseSplit(args: readonly string[]): Parsed {
  const [service, ...pairs] = args
  if (!service || pairs.length === 0) return { error: 'usage: :split SERVICE v1=80 v3=20 (weights add up to 100)' }
  const weights: Record<string, number> = {}
  for (const pair of pairs) {
    const m = /^([\w.-]+)=(\d+)%?$/.exec(pair)
    if (!m) return { error: `expected SUBSET=WEIGHT like v1=80, got "${pair}"` }
    weights[m[1]!] = Number(m[2])
  }
  const total = Object.values(weights).reduce((a, b) => a + b, 0)
  if (total !== 100) return { error: `weights add up to ${total}; they must add up to 100` }
  return { type: 'split', service, weights }
}

function parseMirror(args: readonly string[]): Parsed {
  const [state, service, ...rest] = args
  if (state !== 'on' && state !== 'off') return { error: 'usage: :mirror on|off [SERVICE] [to=v2]' }
  const to = rest.map((w) => /^to=(.+)$/.exec(w)?.[1]).find(Boolean)
  return { type: 'mirror', on: state === 'on', ...(service ? { service } : {}), ...(to ? { to } : {}) }
}

function parseToxic(args: readonly string[]): Parsed {
  const [workload, kind, value] = args
  const toxic = kind ? TOXICS[kind] : undefined
  if (!workload || !toxic) return { error: 'usage: :toxic WORKLOAD latency MS | bandwidth KBPS | reset_peer | timeout MS | remove' }
  if (value === undefined) return { type: 'toxic', workload, toxic }
  const n = Number(value.replace(/ms$|kb\/?s$/i, ''))
  if (!Number.isInteger(n) || n < 0) return { error: `expected a whole number for ${toxic}, got "${value}"` }
  return { type: 'toxic', workload, toxic, value: n }
}
