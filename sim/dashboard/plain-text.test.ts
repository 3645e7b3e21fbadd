import { describe, expect, test } from 'vitest'
import { ConfigStore } from '../../mesh/control/index.ts'
import { sample } from '../../test/support/samples.ts'
import { BOOKINFO, bookinfoStats, fakeView } from './test-fixtures.ts'
import { plainReport } from './plain-report.ts'
import { plainText } from './plain-text.ts'

describe('--plain', () => {
  test('the workloads table keeps the linkerd viz stat columns', () => {
    const text = plainReport(BOOKINFO, bookinfoStats())
    expect(text.split('\n')[0]).toMatch(/^NAME\s+VERSION\s+MESHED\s+SUCCESS\s+RPS\s+P50\s+P95\s+P99$/)
    expect(text.split('\n')[1]).toMatch(/^istio-ingressgateway\s+-\s+1\/1\s+100\.00%\s+2\.0rps\s+5ms\s+20ms\s+40ms$/)
    expect(text.split('\n')).toHaveLength(8)
  })

  test('with the config: the same graph and config summary as the dashboard, as text', () => {
    const config = new ConfigStore()
    config.applyText(sample('virtual-service-reviews-test-v2.yaml'), 'x.yaml')
    const text = plainReport(BOOKINFO, bookinfoStats(), config.snapshot())
    expect(text).toContain('EDGE')
    expect(text).toMatch(/┗━▶ productpage-v1\s+2\.0\s+0\.0%/)
    expect(text).toContain('VS reviews: jason→v2, *→v1')
    expect(plainText(fakeView())).toMatch(/ratings-v1\s+0\.7\s+50\.0%\s+FI abort 500 50%/)
  })
})
