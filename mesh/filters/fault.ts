/**
 * HTTP fault injection (VirtualService `fault`), in Envoy's order: a delay if sampled, then an
 * independently sampled abort. Placed before timeout and retry: its aborts are local replies this
 * sidecar never retries, and its delay does not count against the route timeout (Istio documents both).
 */
import type { Clock } from '../clock.ts'
import type { Filter } from '../filter.ts'
import { localReply } from '../filter.ts'
import type { Random } from '../random.ts'
import type { HTTPFaultInjection } from '../control/types.ts'

/** UNAVAILABLE: what a gRPC abort answers when its spec carries no code (not produced by the parser). */
const DEFAULT_GRPC_CODE = 14

export function fault(spec: HTTPFaultInjection, deps: { clock: Clock; random: Random }): Filter {
  // Istio converts percentages to parts per million; a draw per request decides.
  const hit = (percent: number) => percent > 0 && deps.random() * 100 < percent
  return (next) =>
    async function faultFilter(req) {
      if (spec.delay && hit(spec.delay.percent)) {
        req.info.flags.add('DI')
        await deps.clock.sleep(spec.delay.fixedDelayMs, req.cancel.signal)
      }
      const abort = spec.abort
      if (abort && hit(abort.percent)) {
        req.info.flags.add('FI')
        req.info.details = 'fault_filter_abort'
        if (abort.httpStatus !== undefined) return localReply(abort.httpStatus, 'fault filter abort')
        const code = abort.grpcCode ?? DEFAULT_GRPC_CODE
        return localReply(200, '', { 'content-type': 'application/grpc', 'grpc-status': String(code), 'grpc-message': 'fault filter abort' })
      }
      return next(req)
    }
}
