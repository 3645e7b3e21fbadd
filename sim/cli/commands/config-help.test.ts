/** What a newcomer reads about kinds (`meshdojo apply --help`, the README) names every kind the kind table has. */
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { KIND_LIST } from '../../../mesh/control/index.ts'
import { APPLY_HELP, GET_HELP } from './config-commands.ts'

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')

test.each(KIND_LIST.map((k) => [k.kind, k] as const))('%s is in apply --help, get --help and the README', (_kind, k) => {
  expect(APPLY_HELP).toContain(k.kind)
  expect(APPLY_HELP).toContain(k.group)
  expect(GET_HELP).toContain(k.plural)
  const commands = README.slice(README.indexOf('## Commands'), README.indexOf('## Lessons'))
  expect(commands.split('\n').find((l) => l.startsWith('| `meshdojo apply')), 'the apply row').toContain(k.kind)
  expect(commands.split('\n').find((l) => l.startsWith('| `meshdojo get')), 'the get row').toContain(`\`${k.shortNames[0]}\``)
})
