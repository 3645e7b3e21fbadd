/** Scenario files are read with the same bounds as Istio config: no input throws, each problem has a line. */
import { describe, expect, test } from 'vitest'
import { CONFIG_LIMITS } from '../../mesh/control/parse/documents.ts'
import { scenarioLoader } from './load-scenario.ts'
import { ScenarioInvalidError } from './scenario-error.ts'
import { readYamlSource } from './yaml-source.ts'

const BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n')

describe('readYamlSource', () => {
  test('an alias bomb is an error with a line, not an exception', () => {
    const source = readYamlSource(BOMB)
    expect(source.value).toBeUndefined()
    expect(source.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/alias/), line: expect.any(Number), column: expect.any(Number) })])
  })

  test('text over the size limit is refused before parsing', () => {
    const source = readYamlSource(`# ${'x'.repeat(CONFIG_LIMITS.maxBytes)}\n`)
    expect(source.value).toBeUndefined()
    expect(source.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('1 MiB'), line: 1, column: 1 })])
  })

  test('deep nesting, odd tags and __proto__ keys are errors with their line', () => {
    expect(readYamlSource(`a: ${'['.repeat(100_000)}`).errors[0]!.message).toMatch(/nested/)
    expect(readYamlSource('name: x\nseed: !!binary AAAA\n').errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/^seed: .*!!binary/), line: 2 })])
    expect(readYamlSource('__proto__: {polluted: 1}\n').errors).toEqual([expect.objectContaining({ message: expect.stringContaining('__proto__'), line: 1 })])
  })

  test('a duplicate key still says where', () => {
    expect(readYamlSource('a: 1\nb: 2\na: 3\n').errors).toEqual([expect.objectContaining({ line: 3, column: 1 })])
  })

  test('plain scenario YAML reads as before', () => {
    const source = readYamlSource('name: x\nsteps:\n  - title: a\n    apply: |\n      kind: VirtualService\n')
    expect(source.errors).toEqual([])
    expect(source.value).toEqual({ name: 'x', steps: [{ title: 'a', apply: 'kind: VirtualService\n' }] })
    expect(source.locate(['steps', 0], 'apply')).toEqual({ line: 4, column: 5 })
  })
})

describe('the scenario loader', () => {
  test('refuses an alias bomb with a ScenarioInvalidError naming the file', () => {
    expect(() => scenarioLoader().parse(BOMB, 'bomb.yaml')).toThrow(ScenarioInvalidError)
    expect(() => scenarioLoader().parse(BOMB, 'bomb.yaml')).toThrow(/bomb\.yaml:\d+:\d+ .*alias/)
  })
})
