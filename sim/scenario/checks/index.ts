/** Evaluates one check against what a run observed; each check yields one result per thing it states. */
import type { LessonCheckResult } from '../../workshop/lesson-contract.ts'
import type { Observation } from '../observation.ts'
import type { ScenarioSession } from '../session.ts'
import type { Check } from '../types.ts'
import { endpointCheck } from './endpoint.ts'
import { pageCheck, shareCheck, statusCheck } from './responses.ts'
import { flagsCheck, metricCheck } from './telemetry.ts'
import { latencyCheck, successRateCheck } from './timing.ts'

export async function evaluateCheck(check: Check, obs: Observation, session: ScenarioSession): Promise<LessonCheckResult[]> {
  switch (check.kind) {
    case 'page':
      return pageCheck(check, obs.responses)
    case 'status':
      return statusCheck(check, obs.responses)
    case 'share':
      return shareCheck(check, obs.responses)
    case 'latency':
      return latencyCheck(check, obs)
    case 'successRate':
      return successRateCheck(check, obs)
    case 'metric':
      return metricCheck(check, obs)
    case 'flags':
      return flagsCheck(check, obs)
    case 'endpoint':
      return endpointCheck(check, session)
  }
}
