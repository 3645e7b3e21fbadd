import { describe, expect, test } from 'vitest'
import { parseGoFlags } from './go-flags.ts'

const SPEC = { host: 'string', port: 'string', seed: 'int64', 'proxy-metrics': 'bool', version: 'bool' } as const
const parse = (...argv: string[]) => parseGoFlags(argv, SPEC)

describe('parseGoFlags (Go flag package semantics)', () => {
  test('-flag and --flag, with the value after a space or an =; the last one wins', () => {
    expect(parse('-host', '0.0.0.0', '--port=0', '-port', '9000', '--proxy-metrics').values).toEqual({ host: '0.0.0.0', port: '9000', 'proxy-metrics': true })
  })

  test('a bool takes no separate value: -flag=false, and "-flag false" stops parsing at "false"', () => {
    expect(parse('-proxy-metrics=false').values).toEqual({ 'proxy-metrics': false })
    expect(parse('-proxy-metrics=T', '-version=0').values).toEqual({ 'proxy-metrics': true, version: false })
    const stopped = parse('-proxy-metrics', 'false', '-port', '1')
    expect(stopped.values).toEqual({ 'proxy-metrics': true })
    expect(stopped.rest).toEqual(['false', '-port', '1'])
  })

  test('parsing stops at -- or the first non-flag; a value may start with "-"', () => {
    expect(parse('-port', '1', '--', '-host', 'x').rest).toEqual(['-host', 'x'])
    expect(parse('-host', '-weird').values).toEqual({ host: '-weird' })
  })

  test('int64 as strconv.ParseInt(s, 0, 64): decimal, 0x, 0o, leading-0 octal, 0b, underscores, sign', () => {
    for (const [text, value] of [['42', 42n], ['-7', -7n], ['0x1F', 31n], ['0o17', 15n], ['017', 15n], ['0b101', 5n], ['1_000', 1000n], ['9223372036854775807', 2n ** 63n - 1n]] as const) {
      expect(parse('-seed', text).values.seed, text).toBe(value)
    }
  })

  test('help, and Go\'s error texts', () => {
    expect(parse('-h').help).toBe(true)
    expect(parse('--help').help).toBe(true)
    expect(() => parse('-nope')).toThrow('flag provided but not defined: -nope')
    expect(() => parse('-port')).toThrow('flag needs an argument: -port')
    expect(() => parse('-seed', 'abc')).toThrow('invalid value "abc" for flag -seed: parse error')
    expect(() => parse('-seed', '9223372036854775808')).toThrow('invalid value "9223372036854775808" for flag -seed: value out of range')
    expect(() => parse('-version=yes')).toThrow('invalid boolean value "yes" for -version: parse error')
    expect(() => parse('---port')).toThrow('bad flag syntax: ---port')
    expect(() => parse('-=x')).toThrow('bad flag syntax: -=x')
  })
})
