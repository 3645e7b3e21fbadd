/**
 * The demo's background traffic: product-page loads through the ingress at a steady rate, as an
 * anonymous visitor, as jason (logged in, so productpage sends `end-user: jason`), or a seeded mix.
 * Open loop with a cap on requests in flight, so a 6 s fault never piles up unbounded requests.
 */
import { Pool } from 'undici'
import type { Clock } from '../../mesh/clock.ts'
import type { Random } from '../../mesh/random.ts'
import { AbortGroup } from './abort-group.ts'

export type LoadUser = 'anonymous' | 'jason' | 'mixed'

export interface BackgroundLoadOptions {
  readonly target: string
  readonly rps: number
  readonly user: LoadUser
  readonly clock: Clock
  readonly random: Random
  readonly path?: string
  readonly maxInFlight?: number
}

export interface BackgroundLoad {
  readonly rps: number
  readonly user: LoadUser
  readonly sent: number
  setRate(rps: number): void
  setUser(user: LoadUser): void
  stop(): Promise<void>
}

export function startBackgroundLoad(options: BackgroundLoadOptions): BackgroundLoad {
  const pool = new Pool(options.target, { connections: 16, keepAliveTimeout: 4_000 })
  const path = options.path ?? '/productpage'
  const maxInFlight = options.maxInFlight ?? 64
  let rps = options.rps
  let user = options.user
  let sent = 0
  let inFlight = 0
  let jasonCookie: Promise<string> | undefined
  let stopTicker = () => {}
  // stop() cancels what is in flight; each request has a signal of its own (see AbortGroup).
  const stopped = new AbortGroup()

  const cookieForJason = () =>
    (jasonCookie ??= stopped
      .run(async (signal) => {
        const res = await pool.request({ method: 'POST', path: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=jason&passwd=password', signal })
        await res.body.dump()
        const setCookie = res.headers['set-cookie']
        const cookies = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((c) => c.split(';')[0]).join('; ')
        if (!cookies) jasonCookie = undefined // log in again next time
        return cookies
      })
      .catch(() => {
        jasonCookie = undefined
        return ''
      }))

  const fire = async () => {
    if (inFlight >= maxInFlight || stopped.aborted) return
    inFlight++
    sent++
    try {
      const asJason = user === 'jason' || (user === 'mixed' && options.random() < 0.5)
      const headers: Record<string, string> = { 'user-agent': 'meshdojo-load' }
      if (asJason) headers.cookie = await cookieForJason()
      await stopped.run(async (signal) => {
        const res = await pool.request({ method: 'GET', path, headers, signal })
        await res.body.dump()
      })
    } catch {
      // Failures are what the mesh's telemetry is for; the load just keeps going.
    } finally {
      inFlight--
    }
  }

  const schedule = () => {
    stopTicker()
    if (rps <= 0) return
    // Ticks of at least 50 ms; several requests per tick at high rates, spread by a fractional carry.
    const tickMs = Math.max(50, 1000 / rps)
    let carry = 0
    stopTicker = options.clock.every(tickMs, () => {
      carry += (rps * tickMs) / 1000
      while (carry >= 1) {
        carry--
        void fire()
      }
    })
  }
  schedule()

  return {
    get rps() {
      return rps
    },
    get user() {
      return user
    },
    get sent() {
      return sent
    },
    setRate(next) {
      rps = Math.max(0, next)
      schedule()
    },
    setUser(next) {
      user = next
    },
    async stop() {
      stopTicker()
      stopped.abort()
      await pool.destroy()
    },
  }
}
