/**
 * `meshdojo export k8s`: what a learner needs to repeat on a real cluster with Istio what they just
 * did here: the Istio config applied to the running demo, as one `kubectl apply`-able YAML stream,
 * headed by the commands that install Istio and Bookinfo. Toxiproxy toxics have no Istio equivalent
 * and are listed as comments.
 */
import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { parseAllDocuments, stringify } from 'yaml'
import type { CliIO } from '../io.ts'
import { UsageError } from '../usage-error.ts'
import { adminRequest, adminUrl, okText } from './admin-client.ts'
import { DEFAULT_TOXIPROXY_URL } from './toxic.ts'
import { createToxiproxyClient } from '../../../mesh/toxiproxy/index.ts'

export const EXPORT_HELP = `Usage: meshdojo export k8s [-o FILE] [--admin URL] [--toxiproxy URL]

Writes the Istio config applied to the running demo as Kubernetes YAML (to FILE or standard output),
headed by the commands that install Istio and Bookinfo on a real cluster, so the same lesson runs there.
`

/** Steps on a real cluster, from Istio's Bookinfo guide; ISTIO_VERSION is the release you installed. */
const CLUSTER_STEPS = `# Run this lesson on a Kubernetes cluster with Istio:
#   istioctl install --set profile=demo -y
#   kubectl label namespace default istio-injection=enabled
#   kubectl apply -f https://raw.githubusercontent.com/istio/istio/release-$ISTIO_VERSION/samples/bookinfo/platform/kube/bookinfo.yaml
#   kubectl apply -f this-file.yaml
#   export GATEWAY_URL=$(kubectl -n istio-system get service istio-ingressgateway -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
#   curl -s "http://$GATEWAY_URL/productpage" | grep -o "<title>.*</title>"
# (httpbin lessons: kubectl apply -f samples/httpbin/httpbin.yaml and samples/httpbin/sample-client/fortio-deploy.yaml)
`

export async function exportCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { output: { type: 'string', short: 'o' }, admin: { type: 'string' }, toxiproxy: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) return void io.stdout(EXPORT_HELP), 0
  if (positionals[0] !== 'k8s' || positionals.length > 1) throw new UsageError('say what to export: meshdojo export k8s [-o FILE]')
  const base = adminUrl(values.admin)
  const list = await okText(base, await adminRequest(base, '/config?output=yaml'))
  const items = (parseAllDocuments(list)[0]?.toJS() as { items?: Record<string, unknown>[] } | undefined)?.items ?? []
  const docs = items.map((item) => stripServerFields(item))
  const toxics = await toxicComments(values.toxiproxy ?? process.env.TOXIPROXY_URL ?? DEFAULT_TOXIPROXY_URL)
  const text = `${CLUSTER_STEPS}${toxics}---\n${docs.map((d) => stringify(d)).join('---\n')}`
  if (values.output) {
    await writeFile(values.output, text)
    io.stdout(`wrote ${docs.length} resource(s) to ${values.output}`)
  } else {
    io.stdout(text)
  }
  return 0
}

/** Drops what the server filled in (`creationTimestamp`), as `kubectl get -o yaml` users do before re-applying elsewhere. */
function stripServerFields(item: Record<string, unknown>): Record<string, unknown> {
  const metadata = { ...(item.metadata as Record<string, unknown>) }
  delete metadata.creationTimestamp
  return { ...item, metadata }
}

async function toxicComments(url: string): Promise<string> {
  try {
    const proxies = await createToxiproxyClient(url, { timeoutMs: 2_000 }).listProxies()
    const lines = Object.values(proxies).flatMap((p) => p.toxics.map((t) => `#   ${p.name}: ${t.type} ${JSON.stringify(t.attributes)} (${t.stream})`))
    return lines.length ? `# Toxiproxy toxics in force here (TCP faults have no Istio equivalent; use Toxiproxy or Chaos Mesh there):\n${lines.join('\n')}\n` : ''
  } catch {
    return ''
  }
}
