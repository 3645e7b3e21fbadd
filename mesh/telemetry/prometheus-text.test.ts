import { describe, expect, test } from 'vitest'
import { parsePrometheusText, sampleSum } from './prometheus-text.ts'

const histogram = (buckets: string) => `# HELP h A histogram.\n# TYPE h histogram\n${buckets}h_sum{a="x"} 3\nh_count{a="x"} 2\n`

describe('the exposition checker', () => {
  test('accepts valid text and reads values, escapes included', () => {
    const families = parsePrometheusText(
      '# HELP c_total Things.\n# TYPE c_total counter\nc_total{a="x\\"y",b="\\\\"} 3\nc_total{a="z"} 1e+3\n' + histogram('h_bucket{le="1",a="x"} 1\nh_bucket{le="+Inf",a="x"} 2\n'),
    )
    expect(sampleSum(families, 'c_total', { a: 'x"y' })).toBe(3)
    expect(sampleSum(families, 'c_total')).toBe(1003)
    expect(families.get('h')!.samples).toHaveLength(4)
  })

  test.each([
    ['no final newline', '# TYPE a counter\na 1'],
    ['bad sample', 'a{b=1} 2\n'],
    ['bad value', 'a 1x\n'],
    ['duplicate series', 'a{b="1"} 1\na{b="1"} 2\n'],
    ['TYPE after samples', 'a 1\n# TYPE a counter\n'],
    ['unknown type', '# TYPE a countr\n'],
    ['buckets not cumulative', histogram('h_bucket{le="1",a="x"} 2\nh_bucket{le="+Inf",a="x"} 1\n')],
    ['no +Inf bucket', histogram('h_bucket{le="1",a="x"} 2\n')],
    ['+Inf differs from _count', histogram('h_bucket{le="+Inf",a="x"} 5\n')],
    ['no _sum', '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 1\n'],
  ])('rejects %s', (_why, text) => {
    expect(() => parsePrometheusText(text)).toThrow()
  })
})
