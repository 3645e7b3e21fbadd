import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { CODES } from './codes.ts'

// Keeps the diagnostic codes used in the source, the CODES table and docs/errors.md in step, both ways.
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SOURCE_DIRS = ['mesh', 'sim', 'bookinfo', 'scenarios', 'test', 'bench']
const CODE = /\b(?:MD\d{4}|IST\d{4})\b/g

function sourceFiles(dir: string): string[] {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return []
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path)
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : []
  })
}

const table = new Set(Object.keys(CODES))
const codesTable = join(ROOT, 'mesh/control/codes.ts')
const used = new Map<string, string>() // code → first file using it
for (const file of SOURCE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d)))) {
  if (file === codesTable) continue
  for (const code of readFileSync(file, 'utf8').match(CODE) ?? []) if (!used.has(code)) used.set(code, file)
}
const documented = new Set([...readFileSync(join(ROOT, 'docs/errors.md'), 'utf8').matchAll(/^#{2,4} (MD\d{4}|IST\d{4})$/gm)].map((m) => m[1]!))

describe('diagnostic codes', () => {
  test('every code used in the source is in the CODES table', () => {
    expect([...used].filter(([code]) => !table.has(code)).map(([code, file]) => `${code} (${file})`)).toEqual([])
  })

  test('every code in the table is used somewhere', () => {
    expect([...table].filter((code) => !used.has(code))).toEqual([])
  })

  test('docs/errors.md documents exactly the codes in the table', () => {
    expect([...table].filter((c) => !documented.has(c))).toEqual([])
    expect([...documented].filter((c) => !table.has(c))).toEqual([])
  })
})
