import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { CODES } from './codes.ts'

// Keeps the diagnostic codes used in the source, the CODES table and docs/errors.md in step, both ways; and the
// same for the MeshError codes (mesh/errors.ts ErrorCode): each declared code is thrown somewhere and documented.
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

const errorsFile = join(ROOT, 'mesh/errors.ts')
const errorsSource = readFileSync(errorsFile, 'utf8')
const union = /export type ErrorCode =([^]*?)\n\n/.exec(errorsSource)?.[1] ?? ''
const declared = new Set([...union.matchAll(/'(MESH_[A-Z_]+)'/g)].map((m) => m[1]!))
const thrown = new Map<string, string>() // MESH code → first file using it as a string
for (const file of SOURCE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d)))) {
  if (file === errorsFile) continue
  for (const m of readFileSync(file, 'utf8').matchAll(/'(MESH_[A-Z_]+)'/g)) if (!thrown.has(m[1]!)) thrown.set(m[1]!, file)
}
const errorsDoc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8')
const meshDocumented = new Set([...errorsDoc.matchAll(/`(MESH_[A-Z_]+)`/g)].map((m) => m[1]!))

describe('MeshError codes', () => {
  test('the ErrorCode union is read from mesh/errors.ts', () => {
    expect(declared.size).toBeGreaterThan(3)
  })

  test('every declared code is used somewhere, and every code used is declared', () => {
    expect([...declared].filter((c) => !thrown.has(c))).toEqual([])
    expect([...thrown].filter(([c]) => !declared.has(c)).map(([c, file]) => `${c} (${file})`)).toEqual([])
  })

  test('docs/errors.md documents exactly the declared codes', () => {
    expect([...declared].filter((c) => !meshDocumented.has(c))).toEqual([])
    expect([...meshDocumented].filter((c) => !declared.has(c))).toEqual([])
  })
})

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
