/**
 * Memory and CPU against mesh size: one process with N services (app + inbound + outbound sidecar
 * each), for each N. Memory is read warm: after traffic through every service's outbound sidecar to
 * the next service, with the connections still open (8 each way). CPU per request is measured at
 * saturation on one fixed 2-hop path (svc-0 → svc-1), so only the mesh size changes.
 */
import { Client } from 'undici'
import { measure, specFor, type LoadTarget, type Measured } from '../measure.ts'
import { Warmer } from '../settle.ts'
import type { Drivers } from '../load/drivers.ts'
import { SERVER_CPU, type BenchOptions } from '../options.ts'
import { rssBytes } from '../proc/proc-stat.ts'
import { Sut } from '../proc/sut.ts'
import { needsTieBreak } from '../stats.ts'

export interface ScalePoint {
  readonly services: number
  /** Time to start every workload, ms (the registry notifies every sidecar of every endpoint). */
  readonly startMs: number
  /** RSS with warm connections open, bytes. */
  readonly rssWarmBytes: number
  readonly heapUsedAfterGcBytes: number
  readonly rssAfterGcBytes: number
  readonly samples: Measured[]
}

export interface ScaleRun {
  readonly base: { readonly rssBytes: number; readonly heapUsedAfterGcBytes: number }
  readonly points: ScalePoint[]
}

/** Sends `requests` per service over `connections` kept-open connections; returns them to close later. */
async function warmEvery(ports: readonly number[], requests: number, connections: number): Promise<Client[]> {
  const clients: Client[] = []
  const perConnection = Math.max(1, Math.ceil(requests / connections))
  const one = async (i: number) => {
    const host = `svc-${(i + 1) % ports.length}:9080`
    const mine = Array.from({ length: connections }, () => new Client(`http://127.0.0.1:${ports[i]}`, { keepAliveTimeout: 60_000 }))
    clients.push(...mine)
    await Promise.all(
      mine.map(async (client) => {
        for (let k = 0; k < perConnection; k++) {
          const res = await client.request({ method: 'GET', path: '/', headers: { host } })
          await res.body.dump()
        }
      }),
    )
  }
  for (let i = 0; i < ports.length; i += 20) {
    await Promise.all(ports.slice(i, i + 20).map((_, k) => one(i + k)))
  }
  return clients
}

export async function runScale(options: BenchOptions, drivers: Drivers): Promise<ScaleRun> {
  const start = (n: number) => Sut.start(`scale-${n}`, 'scale.ts', { pin: options.pin, cpu: SERVER_CPU, args: ['--services', String(n)], startTimeoutMs: 300_000, runtime: options.runtime })
  const baseSut = await start(0)
  let base: ScaleRun['base']
  try {
    const mem = await baseSut.command<NodeJS.MemoryUsage>('gc')
    base = { rssBytes: rssBytes(baseSut.pid) ?? mem.rss, heapUsedAfterGcBytes: mem.heapUsed }
  } finally {
    await baseSut.close()
  }
  const suts = new Map<number, Sut>()
  const points = new Map<number, Omit<ScalePoint, 'samples'> & { samples: Measured[] }>()
  try {
    for (const n of options.scaleSizes) {
      const sut = await start(n)
      suts.set(n, sut)
      const ports = sut.ready.extra!.outboundPorts as number[]
      const clients = await warmEvery(ports, options.scaleWarmRequests, options.scaleWarmConnections)
      const rssWarmBytes = rssBytes(sut.pid) ?? 0
      const mem = await sut.command<NodeJS.MemoryUsage>('gc')
      const rssAfterGcBytes = rssBytes(sut.pid) ?? mem.rss
      await Promise.all(clients.map((c) => c.close().catch(() => {})))
      points.set(n, { services: n, startMs: Number(sut.ready.extra!.startMs), rssWarmBytes, heapUsedAfterGcBytes: mem.heapUsed, rssAfterGcBytes, samples: [] })
      options.log(
        `bench: scale N=${n}: started in ${(Number(sut.ready.extra!.startMs) / 1000).toFixed(1)} s, RSS warm ${(rssWarmBytes / 2 ** 20).toFixed(1)} MB, heap after GC ${(mem.heapUsed / 2 ** 20).toFixed(1)} MB`,
      )
    }
    const warmer = new Warmer(drivers.saturation, options)
    const measureSize = async (n: number, pass: number, of: number) => {
      const sut = suts.get(n)!
      const target: LoadTarget = { url: `http://127.0.0.1:${sut.port}/`, host: 'svc-1:9080', pids: () => sut.pids(), loop: sut }
      await warmer.warm(`scale N=${n}`, target)
      const m = await measure(drivers.saturation, target, specFor(target, options.saturation, options.connections))
      points.get(n)!.samples.push(m)
      options.log(`bench: pass ${pass + 1}/${of} scale N=${n} ${Math.round(m.rps)} rps ${m.cpuUsPerReq.toFixed(0)} µs/req`)
    }
    for (let pass = 0; pass < options.scalePasses; pass++) {
      for (const n of pass % 2 === 0 ? options.scaleSizes : [...options.scaleSizes].reverse()) await measureSize(n, pass, options.scalePasses)
    }
    for (const n of options.scaleSizes) {
      if (options.tieBreak && needsTieBreak(points.get(n)!.samples.map((m) => m.rps))) await measureSize(n, 2, 3)
    }
  } finally {
    await Promise.all([...suts.values()].map((s) => s.close()))
  }
  return { base, points: options.scaleSizes.map((n) => points.get(n)!) }
}
