/**
 * kubectl-style config commands against a running demo's admin API (`apply`, `delete`, `get`), and
 * `analyze`, which works offline like `istioctl analyze`.
 */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { analyzeFiles, clusterOfWorkloads, describeSupportedKinds, formatDiagnostic, isError, sortDiagnostics, ISTIOCTL_FILE_DEFAULTS, KIND_LIST, type Cluster } from '../../../mesh/control/index.ts'
import { MeshError } from '../../../mesh/errors.ts'
import { bookinfoWorkloads, httpbinWorkloads } from '../../mesh/topology.ts'
import type { CliIO } from '../io.ts'
import { UsageError } from '../usage-error.ts'
import { adminRequest, adminUrl, okText } from './admin-client.ts'

/**
 * The cluster offline analysis checks config against: the one the demo simulates (Bookinfo and httpbin in
 * `default`, Istio's ingress gateway in `istio-system`), as `istioctl analyze` checks files against the live
 * cluster. httpbin's Service sends port 8000 to 8080, as Istio's sample does.
 */
const SIMULATED_CLUSTER: Cluster = clusterOfWorkloads([...bookinfoWorkloads(), ...httpbinWorkloads()].map((w) => ({
  app: w.app,
  version: w.version,
  servicePort: w.servicePort,
  ...(w.app === 'httpbin' ? { targetPort: 8080 } : {}),
})))

export const APPLY_HELP = `Usage: meshdojo apply -f FILE|- [-f FILE…] [--admin URL] [--dry-run]

Applies Istio YAML to the running demo. The whole apply is atomic: one invalid document rejects all
of it and nothing changes. "-f -" reads standard input.

Kinds: ${describeSupportedKinds()}.
`

export const DELETE_HELP = `Usage: meshdojo delete -f FILE [--admin URL]
       meshdojo delete <kind> <name> [--admin URL]

Removes config from the running demo, by the resources in FILE or by kind and name.
`

export const GET_HELP = `Usage: meshdojo get <kind> [name] [-o table|yaml|json] [--admin URL]

Kinds: ${KIND_LIST.map((k) => `${k.plural} (${[k.singular, ...k.shortNames].join(', ')})`).join(', ')}, or "all".
`

export const ANALYZE_HELP = `Usage: meshdojo analyze -f FILE [-f FILE…] [--use-kube=false]

Checks Istio YAML offline, as istioctl analyze does, and prints each finding as
"<Level> [<code>] (<Kind> <name>.<namespace>) <field>: <message>". Exit code 1 when there are errors.
Codes are listed in docs/errors.md.

The config is checked against the cluster meshdojo simulates (Bookinfo and httpbin in default, Istio's
ingress gateway in istio-system), as istioctl checks files against a live cluster. Kubernetes Services,
Pods, Deployments and Namespaces in the files are added to it (for analysis only: apply refuses them).
--use-kube=false checks the files alone, as istioctl analyze --use-kube=false does: only the files'
Kubernetes objects, plus the stand-in ingress gateway istioctl adds.
`

async function readInputs(files: readonly string[], io: CliIO): Promise<{ text: string; file: string }[]> {
  if (files.length === 0) throw new UsageError('give at least one file with -f FILE (or -f - for standard input)')
  return Promise.all(
    files.map(async (file) => {
      if (file === '-') return { text: await io.readStdin(), file: 'stdin' }
      try {
        return { text: await readFile(file, 'utf8'), file }
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`)
      }
    }),
  )
}

export async function applyCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { filename: { type: 'string', short: 'f', multiple: true }, admin: { type: 'string' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help) return void io.stdout(APPLY_HELP), 0
  const base = adminUrl(values.admin)
  const inputs = await readInputs(values.filename ?? [], io)
  let failed = false
  for (const { text, file } of inputs) {
    const query = `?file=${encodeURIComponent(file)}${values['dry-run'] ? '&dryRun=1' : ''}`
    const res = await adminRequest(base, `/apply${query}`, { method: 'POST', body: text, contentType: 'application/yaml' })
    const body = JSON.parse(await res.body.text()) as { changes?: { kind: string; name: string; action: string }[]; warnings?: string[]; errors?: string[]; error?: string }
    if (res.status === 400 || res.status === 413) {
      failed = true
      for (const line of body.errors ?? [body.error ?? 'rejected']) io.stderr(line)
      io.stderr(`${file}: rejected${res.status === 413 ? ' (too large)' : ''}, nothing applied`)
      continue
    }
    if (res.status !== 200) throw new MeshError('MESH_ADMIN_UNREACHABLE', `the admin API at ${base} answered ${res.status}: ${body.error ?? ''}`)
    for (const w of body.warnings ?? []) io.stderr(w)
    for (const c of body.changes ?? []) io.stdout(`${kindName(c.kind)}/${c.name} ${c.action}${values['dry-run'] ? ' (dry run)' : ''}`)
  }
  return failed ? 1 : 0
}

export async function deleteCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { filename: { type: 'string', short: 'f', multiple: true }, admin: { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help) return void io.stdout(DELETE_HELP), 0
  const base = adminUrl(values.admin)
  if (positionals.length === 2) {
    const [kind, name] = positionals as [string, string]
    const res = await adminRequest(base, `/config/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`, { method: 'DELETE' })
    const body = JSON.parse(await res.body.text()) as { error?: string; deleted?: { kind: string } }
    if (res.status !== 200) throw new UsageError(body.error ?? `could not delete ${kind} ${name}`)
    io.stdout(`${kindName(body.deleted!.kind)} "${name}" deleted`)
    return 0
  }
  if (positionals.length > 0) throw new UsageError('give either -f FILE or <kind> <name>')
  let missing = 0
  for (const { text, file } of await readInputs(values.filename ?? [], io)) {
    const res = await adminRequest(base, `/delete?file=${encodeURIComponent(file)}`, { method: 'POST', body: text, contentType: 'application/yaml' })
    const body = JSON.parse(await res.body.text()) as { deleted?: Ref[]; notFound?: Ref[]; errors?: string[]; error?: string }
    if (res.status !== 200) {
      for (const line of body.errors ?? [body.error ?? 'failed']) io.stderr(line)
      return 1
    }
    for (const r of body.deleted ?? []) io.stdout(`${kindName(r.kind)} "${r.name}" deleted`)
    for (const r of body.notFound ?? []) io.stderr(`Error from server (NotFound): ${kindName(r.kind, { plural: true })} "${r.name}" not found`)
    missing += body.notFound?.length ?? 0
  }
  return missing > 0 ? 1 : 0
}

/**
 * A kind as kubectl prints it, with its own API group: `virtualservice.networking.istio.io`,
 * `authorizationpolicy.security.istio.io`, `localratelimits.meshdojo.dev` (plural for "not found").
 */
export function kindName(kind: string, opts: { plural?: boolean } = {}): string {
  const info = KIND_LIST.find((k) => k.kind === kind)
  if (info === undefined) return kind.toLowerCase()
  // The core group has no name: `configmap/istio`, as kubectl prints it.
  return `${opts.plural ? info.plural : info.singular}${info.group === '' ? '' : `.${info.group}`}`
}

interface Ref {
  readonly kind: string
  readonly name: string
}

export async function getCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { output: { type: 'string', short: 'o' }, admin: { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help) return void io.stdout(GET_HELP), 0
  const [kind, name] = positionals
  if (!kind) throw new UsageError(`say which kind: ${KIND_LIST.map((k) => k.plural).join(', ')} or all`)
  const output = values.output ?? 'table'
  if (!['table', 'yaml', 'json', 'wide'].includes(output)) throw new UsageError(`-o must be table, yaml or json, got "${output}"`)
  const base = adminUrl(values.admin)
  const format = output === 'wide' ? 'table' : output
  const kinds = kind === 'all' ? KIND_LIST.map((k) => k.plural) : [kind]
  const sections: string[] = []
  for (const k of kinds) {
    const path = `/config/${encodeURIComponent(k)}${name ? `/${encodeURIComponent(name)}` : ''}?output=${format}`
    const text = await okText(base, await adminRequest(base, path))
    if (kind === 'all' && format === 'table' && !text.trim().includes('\n') && !text.includes('NAME')) continue
    sections.push(text.trimEnd())
  }
  io.stdout(sections.filter(Boolean).join('\n\n') || 'No resources found in default namespace.')
  return 0
}

export async function analyzeCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { filename: { type: 'string', short: 'f', multiple: true }, 'use-kube': { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help) return void io.stdout(ANALYZE_HELP), 0
  const useKube = values['use-kube'] ?? 'true'
  if (useKube !== 'true' && useKube !== 'false') throw new UsageError(`--use-kube must be true or false, got "${useKube}"`)
  const inputs = await readInputs(values.filename ?? [], io)
  const cluster = useKube === 'true' ? SIMULATED_CLUSTER : ISTIOCTL_FILE_DEFAULTS
  const sorted = sortDiagnostics(analyzeFiles(inputs, { cluster }))
  if (sorted.length === 0) {
    io.stdout(`✔ No validation issues found when analyzing ${(values.filename ?? []).join(', ')}.`)
    return 0
  }
  for (const d of sorted) (isError(d) ? io.stderr : io.stdout)(formatDiagnostic(d))
  return sorted.some(isError) ? 1 : 0
}
