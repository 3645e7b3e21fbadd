/**
 * The service registry: services and their endpoints (one per workload instance), with labels and
 * readiness, like Kubernetes Services and EndpointSlices. One registry per mesh; sidecars subscribe.
 */

export interface Endpoint {
  /** Workload name, e.g. `reviews-v2`. */
  readonly workload: string
  /** Short service name, e.g. `reviews`. */
  readonly service: string
  /** Pod labels; at least `app` and `version`. */
  readonly labels: Readonly<Record<string, string>>
  /** The workload's inbound sidecar listener, `127.0.0.1:port`. */
  readonly address: string
  /**
   * Where callers actually connect: the Toxiproxy link in front of `address` when there is one,
   * so TCP faults apply between services. Defaults to `address`.
   */
  readonly dialAddress: string
  /** Ready endpoints receive traffic; a killed workload turns not ready (a failing readiness probe). */
  readonly ready: boolean
  /**
   * The SPIFFE id of the endpoint's sidecar (`spiffe://cluster.local/ns/default/sa/bookinfo-reviews`):
   * callers verify the server certificate against it. Absent for an endpoint without a sidecar.
   */
  readonly principal?: string
}

export interface ServiceInfo {
  /** Short name, e.g. `reviews`. */
  readonly name: string
  readonly namespace: string
  /** `reviews.default.svc.cluster.local` */
  readonly fqdn: string
  /** The Service port (9080 for Bookinfo, 8000 for httpbin). */
  readonly port: number
  readonly endpoints: readonly Endpoint[]
}

export type RegistryListener = (registry: ServiceRegistry) => void

export class ServiceRegistry {
  private readonly services = new Map<string, ServiceInfo>()
  private readonly listeners = new Set<RegistryListener>()

  constructor(readonly namespace = 'default') {}

  /** Declares a service (idempotent); its endpoints come from `upsertEndpoint`. */
  addService(name: string, port: number): void {
    if (this.services.has(name)) return
    this.services.set(name, Object.freeze({ name, namespace: this.namespace, fqdn: fqdnOf(name, this.namespace), port, endpoints: [] }))
    this.notify()
  }

  upsertEndpoint(endpoint: Omit<Endpoint, 'dialAddress'> & { dialAddress?: string }): void {
    const service = this.requireService(endpoint.service)
    const full: Endpoint = Object.freeze({ ...endpoint, dialAddress: endpoint.dialAddress ?? endpoint.address })
    const endpoints = service.endpoints.filter((e) => e.workload !== endpoint.workload).concat(full)
    this.replace(service, endpoints)
  }

  /** Changes one workload's endpoint fields (readiness, addresses); unknown workloads are ignored. */
  updateEndpoint(workload: string, change: Partial<Pick<Endpoint, 'ready' | 'address' | 'dialAddress'>>): void {
    for (const service of this.services.values()) {
      const current = service.endpoints.find((e) => e.workload === workload)
      if (!current) continue
      const next = Object.freeze({ ...current, ...change })
      if (next.ready === current.ready && next.address === current.address && next.dialAddress === current.dialAddress) return
      this.replace(service, service.endpoints.map((e) => (e === current ? next : e)))
      return
    }
  }

  removeEndpoint(workload: string): void {
    for (const service of this.services.values()) {
      if (service.endpoints.some((e) => e.workload === workload)) {
        this.replace(service, service.endpoints.filter((e) => e.workload !== workload))
      }
    }
  }

  /** The service a short name or FQDN refers to, if it is in this registry. */
  service(nameOrFqdn: string): ServiceInfo | undefined {
    return this.services.get(shortNameOf(nameOrFqdn, this.namespace))
  }

  list(): readonly ServiceInfo[] {
    return [...this.services.values()]
  }

  endpoint(workload: string): Endpoint | undefined {
    for (const service of this.services.values()) {
      const found = service.endpoints.find((e) => e.workload === workload)
      if (found) return found
    }
    return undefined
  }

  subscribe(listener: RegistryListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private requireService(name: string): ServiceInfo {
    const service = this.services.get(name)
    if (!service) throw new Error(`service ${name} is not registered`)
    return service
  }

  private replace(service: ServiceInfo, endpoints: readonly Endpoint[]): void {
    const sorted = [...endpoints].sort((a, b) => a.workload.localeCompare(b.workload))
    this.services.set(service.name, Object.freeze({ ...service, endpoints: Object.freeze(sorted) }))
    this.notify()
  }

  private notify(): void {
    for (const listener of this.listeners) listener(this)
  }
}

export const fqdnOf = (name: string, namespace = 'default') => `${name}.${namespace}.svc.cluster.local`

/** `reviews.default.svc.cluster.local` → `reviews`; a short name is returned as is. */
function shortNameOf(nameOrFqdn: string, namespace: string): string {
  const suffix = `.${namespace}.svc.cluster.local`
  return nameOrFqdn.endsWith(suffix) ? nameOrFqdn.slice(0, -suffix.length) : nameOrFqdn
}
