/**
 * Istio's standard metric labels for one record, in the order Istio's stats filter emits them, so a
 * scrape of meshdojo reads like a scrape of a real mesh and users' PromQL and Grafana panels work.
 * https://istio.io/latest/docs/reference/config/metrics/
 */
import type { RequestRecord, WorkloadRef } from './record.ts'
import { shortName } from './stats.ts'

/** The labels of the HTTP series (`istio_requests_total`, the duration and size histograms). */
export const ISTIO_HTTP_LABELS = [
  'reporter',
  'source_workload',
  'source_canonical_service',
  'source_canonical_revision',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_cluster',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_canonical_service',
  'destination_canonical_revision',
  'destination_service_name',
  'destination_service_namespace',
  'destination_cluster',
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
] as const

/** A label name of the HTTP series. */
export type IstioHttpLabel = (typeof ISTIO_HTTP_LABELS)[number]
/** A frozen label set, built once per series. */
export type LabelSet<K extends string> = Readonly<Record<K, string>>

/** The TCP series carry the same peers but no response code (Istio: `request_protocol="tcp"`). */
export const ISTIO_TCP_LABELS = ISTIO_HTTP_LABELS.filter((l) => l !== 'response_code' && l !== 'grpc_response_status')
/** A label name of the TCP series. */
export type IstioTcpLabel = Exclude<IstioHttpLabel, 'response_code' | 'grpc_response_status'>

/** Istio's cluster id for a single-cluster install. */
const CLUSTER_ID = 'Kubernetes'
const UNKNOWN = 'unknown'

/**
 * Every record field the labels depend on, in a fixed order: the path to the record's series in a
 * `SeriesIndex`. The labels themselves are built once per distinct path.
 */
export function httpSeriesParts(r: RequestRecord, flags: string): unknown[] {
  const s = r.source
  const d = r.destination
  return [
    r.reporter,
    s.workload, s.app, s.version, s.namespace, s.principal,
    d.workload, d.app, d.version, d.namespace, d.principal,
    r.destinationService, r.protocol, r.status, flags, r.connectionSecurityPolicy,
  ]
}

/** The full Istio label set of a record (build once per series, see `httpSeriesKey`). */
export function httpLabels(r: RequestRecord, flags: string): LabelSet<IstioHttpLabel> {
  return Object.freeze({
    ...peerLabels(r.reporter, r.source, r.destination, r.destinationService),
    request_protocol: r.protocol.toUpperCase().startsWith('HTTP') ? 'http' : r.protocol.toLowerCase() || UNKNOWN,
    response_code: String(r.status),
    // Istio leaves it empty for plain HTTP (only gRPC responses have a status).
    grpc_response_status: '',
    response_flags: flags,
    connection_security_policy: r.connectionSecurityPolicy || UNKNOWN,
  }) as LabelSet<IstioHttpLabel>
}

/** Labels of one TCP series; `flags` is `-` unless the link reports a failure flag. */
export function tcpLabels(
  reporter: RequestRecord['reporter'],
  source: WorkloadRef,
  destination: WorkloadRef,
  destinationService: string,
  connectionSecurityPolicy = UNKNOWN,
): LabelSet<IstioTcpLabel> {
  return Object.freeze({
    ...peerLabels(reporter, source, destination, destinationService),
    request_protocol: 'tcp',
    response_flags: '-',
    connection_security_policy: connectionSecurityPolicy,
  }) as LabelSet<IstioTcpLabel>
}

/**
 * Both parties' labels. The reporter's own side is always known; the peer's come from what the
 * reporter learned of it (peer metadata, or the certificate it proved). With no peer at all (a fault
 * abort, no healthy upstream, no route: the upstream was never reached) Istio's stats filter has
 * nothing to read: every peer label is `unknown`, the namespace too (even
 * `destination_service_namespace`, which a client takes from the peer), and only the service is
 * known, from the route's cluster.
 */
function peerLabels(reporter: string, source: WorkloadRef, destination: WorkloadRef, service: string) {
  const fqdn = service || UNKNOWN
  const s = asPeer(source)
  const d = asPeer(destination)
  return {
    reporter,
    source_workload: s.workload,
    source_canonical_service: canonicalService(s),
    source_canonical_revision: canonicalRevision(s),
    source_workload_namespace: s.namespace,
    source_principal: s.principal,
    source_app: s.app,
    source_version: s.version,
    source_cluster: known(s) ? CLUSTER_ID : UNKNOWN,
    destination_workload: d.workload,
    destination_workload_namespace: d.namespace,
    destination_principal: d.principal,
    destination_app: d.app,
    destination_version: d.version,
    destination_service: fqdn,
    destination_canonical_service: canonicalService(d),
    destination_canonical_revision: canonicalRevision(d),
    destination_service_name: fqdn === UNKNOWN ? UNKNOWN : shortName(fqdn),
    // The server names its own namespace; a client the peer's (both are `d` here).
    destination_service_namespace: d.namespace,
    destination_cluster: known(d) ? CLUSTER_ID : UNKNOWN,
  }
}

/**
 * A party as Istio's labels see it: a known workload as it is; an unknown one with nothing but what
 * its certificate proves (principal, and the namespace inside the SPIFFE id).
 */
function asPeer(w: WorkloadRef): WorkloadRef {
  const principal = or(w.principal)
  if (known(w)) return { workload: w.workload, app: or(w.app), version: or(w.version), namespace: or(w.namespace), principal }
  return { workload: UNKNOWN, app: UNKNOWN, version: UNKNOWN, namespace: namespaceOfPrincipal(principal) ?? UNKNOWN, principal }
}

const or = (v: string) => v || UNKNOWN
const known = (w: WorkloadRef) => w.workload !== '' && w.workload !== UNKNOWN
/** Istio's `service.istio.io/canonical-name`, which defaults to the `app` label. */
const canonicalService = (w: WorkloadRef) => (known(w) ? or(w.app) : UNKNOWN)
/** `service.istio.io/canonical-revision` defaults to the `version` label, else `latest` (as Istio). */
const canonicalRevision = (w: WorkloadRef) => (w.version && w.version !== UNKNOWN ? w.version : 'latest')
/** `spiffe://cluster.local/ns/default/sa/bookinfo-reviews` → `default`, as Istio reads a peer's namespace from its SAN. */
const namespaceOfPrincipal = (principal: string) => /\/ns\/([^/]+)/.exec(principal)?.[1]
