/**
 * Runs one action against a live session and says what it did: a one-line description for the
 * runner's output, and the config or command behind it for the workshop's "last applied" view.
 */
import { ConfigRejectedError, parseResourceRefs } from '../../mesh/control/index.ts'
import { evaluateCheck } from './checks/index.ts'
import { formatFileDiagnostic } from './file-diagnostics.ts'
import { observe, type ObservedResponse } from './observation.ts'
import { describeTraffic, sendTraffic } from './send-traffic.ts'
import type { ScenarioSession } from './session.ts'
import type { Action, Check, ToxicAction } from './types.ts'
import { describeBound, formatValue } from './units.ts'

export interface ActionOutcome {
  readonly description: string
  /** YAML applied or the command equivalent, e.g. `meshdojo toxic add ratings-v1 -t latency -a latency=1000`. */
  readonly applied: string
}

/** Failure of an action (config rejected, toxic not found, wait timed out …): stops the step. */
export class ActionError extends Error {
  override readonly name = 'ActionError'
  constructor(readonly action: string, cause: unknown) {
    super(`${action}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
}

export interface ActionDeps {
  readonly session: ScenarioSession
  /** Prefix for request ids of traffic sent as an action (not observed by checks). */
  readonly tag: string
  readonly signal?: AbortSignal
}

export async function runAction(action: Action, deps: ActionDeps): Promise<ActionOutcome> {
  const description = describeAction(action)
  try {
    return { description, applied: await perform(action, deps) }
  } catch (err) {
    throw err instanceof ActionError ? err : new ActionError(description, withoutFileContent(err, action))
  }
}

/** Config from a file rejected when applied (analysis across resources): its errors without the file's values. */
function withoutFileContent(err: unknown, action: Action): unknown {
  const fromFile =
    (action.kind === 'apply' && action.config.path !== undefined) ||
    (action.kind === 'delete' && action.targets.some((t) => 'config' in t && t.config.path !== undefined))
  if (!fromFile || !(err instanceof ConfigRejectedError)) return err
  return new Error([err.message.split('\n')[0]!, ...err.diagnostics.map(formatFileDiagnostic)].join('\n'))
}

async function perform(action: Action, deps: ActionDeps): Promise<string> {
  const { mesh } = deps.session
  switch (action.kind) {
    case 'say':
      return `# ${action.text}`
    case 'apply':
      mesh.config.applyText(action.config.text, action.config.label)
      return action.config.text.trimEnd()
    case 'delete': {
      for (const t of action.targets) {
        if ('config' in t) mesh.config.deleteResources(parseResourceRefs(t.config.text, t.config.label).refs)
        else mesh.config.delete(t.kind, t.name)
      }
      return `meshdojo delete ${action.targets.map((t) => ('config' in t ? `-f ${t.config.path ?? '-'}` : `${t.kind.toLowerCase()} ${t.name}`)).join(' ')}`
    }
    case 'toxic':
      await toxic(action.toxic, deps)
      return toxicCommand(action.toxic)
    case 'kill':
      await mesh.workload(action.workload).kill()
      return `# kill ${action.workload}`
    case 'restart':
      await mesh.workload(action.workload).restart()
      return `# restart ${action.workload}`
    case 'wait':
      await wait(action.wait, deps)
      return `# ${describeAction(action)}`
    case 'traffic': {
      const sink: ObservedResponse[] = []
      await sendTraffic(action.traffic, deps.tag, { session: deps.session, runAction: (a) => runAction(a, deps), signal: deps.signal }, sink)
      return `# sent ${describeTraffic(action.traffic)}`
    }
  }
}

async function toxic(t: ToxicAction, deps: ActionDeps): Promise<void> {
  const api = deps.session.mesh.links?.api
  if (!api) throw new Error('this mesh runs without Toxiproxy links')
  switch (t.op) {
    case 'add':
      await api.addToxic(t.proxy, t.toxic)
      return
    case 'update':
      await api.updateToxic(t.proxy, t.name, t.update)
      return
    case 'remove':
      await api.removeToxic(t.proxy, t.name)
      return
    case 'enable':
      await api.updateProxy(t.proxy, { enabled: t.enabled })
      return
    case 'reset':
      await api.reset()
  }
}

/** Polls the condition every 100 ms over everything seen since the wait began. */
async function wait(w: Extract<Action, { kind: 'wait' }>['wait'], deps: ActionDeps): Promise<void> {
  const clock = deps.session.mesh.clock
  if ('ms' in w) return clock.sleep(w.ms, deps.signal)
  const obs = await observe(deps.session, undefined)
  const deadline = clock.now() + w.timeoutMs
  try {
    for (;;) {
      const results = await evaluateCheck(w.until, obs, deps.session)
      if (results.every((r) => r.passed)) return
      if (clock.now() >= deadline) throw new Error(`gave up after ${formatValue(w.timeoutMs, 'ms')}: ${results.filter((r) => !r.passed).map((r) => r.detail).join('; ')}`)
      await clock.sleep(100, deps.signal)
    }
  } finally {
    obs.stop()
  }
}

/** `meshdojo toxic …` lines a learner could type to do the same. */
function toxicCommand(t: ToxicAction): string {
  switch (t.op) {
    case 'add': {
      const attrs = Object.entries(t.toxic.attributes ?? {}).map(([k, v]) => ` -a ${k}=${v}`).join('')
      const name = t.toxic.name ? ` -n ${t.toxic.name}` : ''
      const stream = t.toxic.stream === 'upstream' ? ' -u' : ''
      const tox = t.toxic.toxicity !== undefined && t.toxic.toxicity !== 1 ? ` --tox ${t.toxic.toxicity}` : ''
      return `meshdojo toxic add ${t.proxy} -t ${t.toxic.type}${name}${stream}${tox}${attrs}`
    }
    case 'update':
      return `meshdojo toxic update ${t.proxy} -n ${t.name}${Object.entries(t.update.attributes ?? {}).map(([k, v]) => ` -a ${k}=${v}`).join('')}${t.update.toxicity === undefined ? '' : ` --tox ${t.update.toxicity}`}`
    case 'remove':
      return `meshdojo toxic remove ${t.proxy} -n ${t.name}`
    case 'enable':
      return `meshdojo toxic ${t.enabled ? 'enable' : 'disable'} ${t.proxy}`
    case 'reset':
      return 'meshdojo toxic reset'
  }
}

/** One line per action, as the runner prints it. */
export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'say':
      return a.text
    case 'apply':
      return `apply ${a.config.path ?? `${resourceNames(a.config.text)} (inline)`}`
    case 'delete':
      return `delete ${a.targets.map((t) => ('config' in t ? (t.config.path ?? resourceNames(t.config.text)) : `${t.kind} ${t.name}`)).join(', ')}`
    case 'toxic':
      return describeToxic(a.toxic)
    case 'kill':
    case 'restart':
      return `${a.kind} ${a.workload}`
    case 'wait':
      if ('ms' in a.wait) return `wait ${formatValue(a.wait.ms, 'ms')}`
      return `wait until ${describeCondition(a.wait.until)} (at most ${formatValue(a.wait.timeoutMs, 'ms')})`
    case 'traffic':
      return `send ${describeTraffic(a.traffic)}`
  }
}

function describeToxic(t: ToxicAction): string {
  switch (t.op) {
    case 'add':
      return `toxic ${t.toxic.name ?? `${t.toxic.type}_${t.toxic.stream ?? 'downstream'}`} on ${t.proxy}: ${t.toxic.type} ${Object.entries(t.toxic.attributes ?? {}).map(([k, v]) => `${k}=${v}`).join(' ') || '(defaults)'} on the ${t.toxic.stream ?? 'downstream'} stream`
    case 'update':
      return `toxic ${t.name} on ${t.proxy} updated (${Object.entries(t.update.attributes ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')})`
    case 'remove':
      return `toxic ${t.name} removed from ${t.proxy}`
    case 'enable':
      return `link ${t.proxy} ${t.enabled ? 'enabled' : 'disabled'}`
    case 'reset':
      return 'every toxic removed, every link enabled'
  }
}

function describeCondition(c: Check): string {
  switch (c.kind) {
    case 'endpoint':
      return `${c.workload} is ${[c.ready === undefined ? '' : c.ready ? 'ready' : 'not ready', c.ejected === undefined ? '' : `${c.ejected ? '' : 'not '}ejected by ${c.by}`].filter(Boolean).join(' and ')}`
    case 'metric':
      return `${c.name} ${c.measure === 'increase' ? 'rises by' : 'is'} ${describeBound(c.bound, 'count')}`
    default:
      return `the ${c.kind} check passes`
  }
}

/** `VirtualService reviews, DestinationRule reviews` */
function resourceNames(text: string): string {
  const refs = parseResourceRefs(text, 'inline').refs
  return refs.map((r) => `${r.kind} ${r.name}`).join(', ') || 'YAML'
}
