/**
 * Istio's own validation and analyzer test data (../shared/istio-corpus, beside the checkout) run in process
 * through `meshdojo analyze`, judged exactly as the corpus's compare.mjs judges it. The test fails on any
 * disagreement that istio-corpus-differences.yaml does not list, and on a listed one that agrees now (so the
 * list never goes stale). docs/errors.md ("Differences from Istio's validation") gives the same reasons.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { analyzeCommand } from '../../sim/cli/commands/config-commands.ts'
import type { CliIO } from '../../sim/cli/io.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CORPUS = process.env.ISTIO_CORPUS_DIR ?? join(ROOT, '..', 'shared', 'istio-corpus')
const DIFFERENCES = fileURLToPath(new URL('./istio-corpus-differences.yaml', import.meta.url))

interface Case {
  readonly id: string
  readonly file: string
  readonly type: 'validation' | 'analyzer'
  readonly kind: string
  readonly expect: string
  readonly codes: string
  readonly analyzerCodes: string
  readonly source: string
  readonly name: string
}

/** A listed difference: `got` is `valid`/`invalid` for validation cases, `matched/items` for analyzer cases. */
interface Difference {
  readonly case: string
  readonly status: 'pending' | 'deliberate'
  readonly got: string
  readonly reason: string
}

interface Finding {
  readonly level: string
  readonly code: string
  readonly kind?: string
  readonly name?: string
  readonly namespace?: string
  readonly field: string
  readonly text: string
}

function readCases(): Case[] {
  const [head, ...lines] = readFileSync(join(CORPUS, 'expected.tsv'), 'utf8').trimEnd().split('\n')
  const cols = head!.split('\t')
  return lines.map((line) => {
    const c = Object.fromEntries(line.split('\t').map((v, i) => [cols[i], v])) as Record<string, string>
    return {
      id: c.file!.replace(/^cases\//, '').replace(/\.yaml$/, ''),
      file: join(CORPUS, c.file!),
      type: c.type as Case['type'],
      kind: c.kind!,
      expect: c.expect!,
      codes: c.codes!,
      analyzerCodes: c.analyzer_codes!,
      source: c.source!,
      name: c.case!,
    }
  })
}

/** compare.mjs's line pattern: level, code, optional (Kind name.namespace), message, optional (file, document N). */
const LINE = /^(Error|Warning|Info) \[(\w+)\](?: \((\w+)(?: (\S+?))?\))? (.*?)(?: \(([^()]+), document (\d+)\))?$/

function findings(lines: readonly string[]): Finding[] {
  const out: Finding[] = []
  for (const line of lines.flatMap((l) => l.split('\n'))) {
    const m = LINE.exec(line)
    if (!m) continue
    const [, level, code, kind, id, rest] = m
    const dot = id === undefined ? -1 : id.lastIndexOf('.')
    const name = id === undefined ? undefined : dot < 0 ? id : id.slice(0, dot)
    const namespace = id === undefined || dot < 0 ? undefined : id.slice(dot + 1)
    const field = /^((?:spec|metadata|kind|apiVersion)[^ ]*?): /.exec(rest!)?.[1] ?? ''
    out.push({ level: level!, code: code!, ...(kind ? { kind } : {}), ...(name ? { name } : {}), ...(namespace ? { namespace } : {}), field, text: line })
  }
  return out
}

/** `meshdojo analyze -f FILE`, in process; a thrown error counts as a crash, as a non-0/1 exit does in compare.mjs. */
async function analyze(file: string): Promise<Finding[]> {
  const lines: string[] = []
  const io: CliIO = { stdout: (t) => void lines.push(t), stderr: (t) => void lines.push(t), isTTY: false, interrupted: new Promise(() => {}), readStdin: async () => '' }
  try {
    await analyzeCommand(['-f', file], io)
  } catch (err) {
    return [{ level: 'Crash', code: 'crash', field: '', text: String(err) }]
  }
  return findings(lines)
}

const isValidationCode = (code: string) => /^MD0[01]\d\d$/.test(code)

function validationVerdict(diags: readonly Finding[]): string {
  return diags.some((d) => d.level === 'Crash' || (d.level === 'Error' && isValidationCode(d.code))) ? 'invalid' : 'valid'
}

/** `IST0101@gateways`: the code, and where its finding must be (a field path part, or `Gateway` for the resource kind). */
function selMatch(sel: string, d: Finding): boolean {
  const [code, where] = sel.split('@')
  if (d.code !== code) return false
  if (where === undefined) return true
  return where === 'Gateway' ? d.kind === 'Gateway' : d.field.includes(where)
}

/** Items matched out of items: each expected (code, resource), plus "no other finding of this analyzer's codes". */
function analyzerScore(c: Case, diags: readonly Finding[]): { matched: number; items: number; misses: string[] } {
  const expected = c.codes === '-' ? [] : c.codes.split(';').map((s) => {
    const [sel, kind, ns, name] = s.split('|') as [string, string, string, string]
    return { sel, kind, ns: ns === '-' ? 'default' : ns, name }
  })
  const on = (e: (typeof expected)[number], d: Finding) => d.kind === e.kind && d.name === e.name && (d.namespace ?? 'default') === e.ns
  const misses: string[] = []
  let matched = 0
  for (const e of expected) {
    if (diags.some((d) => selMatch(e.sel, d) && on(e, d))) matched++
    else misses.push(`missing ${e.sel} on ${e.kind} ${e.ns}/${e.name}`)
  }
  const owned = c.analyzerCodes.split(',')
  const unexpected = diags.filter((d) => owned.some((sel) => selMatch(sel, d)) && !expected.some((e) => selMatch(e.sel, d) && on(e, d)))
  if (unexpected.length === 0) matched++
  else misses.push(...unexpected.map((d) => `unexpected ${d.text}`))
  return { matched, items: expected.length + 1, misses }
}

const present = existsSync(join(CORPUS, 'expected.tsv'))
if (!present) console.warn(`istio-corpus: skipped, no corpus at ${CORPUS} (set ISTIO_CORPUS_DIR to run it)`)

describe.skipIf(!present)("Istio's own test data (istio-corpus)", () => {
  const differences = parse(readFileSync(DIFFERENCES, 'utf8')) as Difference[]
  const listed = new Map(differences.map((d) => [d.case, d]))

  test('every difference from Istio is listed, with its reason', async () => {
    const cases = readCases()
    const unlisted: string[] = []
    const stale: string[] = []
    let agree = 0
    let items = 0
    let matched = 0
    for (const c of cases) {
      const diags = await analyze(c.file)
      const difference = listed.get(c.id)
      let got: string
      let detail: string[]
      let agrees: boolean
      if (c.type === 'validation') {
        got = validationVerdict(diags)
        agrees = got === c.expect
        if (agrees) agree++
        detail = diags.filter((d) => d.level === 'Crash' || (d.level === 'Error' && isValidationCode(d.code))).map((d) => d.text)
      } else {
        const score = analyzerScore(c, diags)
        items += score.items
        matched += score.matched
        got = `${score.matched}/${score.items}`
        agrees = score.matched === score.items
        detail = score.misses
      }
      if (difference === undefined && !agrees) {
        unlisted.push(`${c.id}: Istio says ${c.type === 'validation' ? c.expect : 'all items match'}, meshdojo ${got} [${c.source} "${c.name}"]${detail.map((l) => `\n    ${l}`).join('')}`)
      } else if (difference !== undefined && difference.got !== got) {
        stale.push(`${c.id}: listed as ${difference.got}, now ${got}${agrees ? ' (agrees: remove it from the list)' : ''}${detail.map((l) => `\n    ${l}`).join('')}`)
      }
    }
    const validation = cases.filter((c) => c.type === 'validation').length
    console.info(`istio-corpus: ${agree} of ${validation} agree (valid/invalid), ${matched} of ${items} analyzer codes match`)
    expect(unlisted, 'disagreements not listed in istio-corpus-differences.yaml').toEqual([])
    expect(stale, 'listed differences whose outcome changed').toEqual([])
    expect(differences.filter((d) => !cases.some((c) => c.id === d.case)).map((d) => d.case), 'listed cases not in the corpus').toEqual([])
  })

  test('each listed difference has a status and a reason, and docs/errors.md names it', () => {
    const docs = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8')
    for (const d of differences) {
      expect(['pending', 'deliberate'], d.case).toContain(d.status)
      expect(d.reason?.length ?? 0, d.case).toBeGreaterThan(10)
      expect(docs.includes(d.case), `docs/errors.md should list case ${d.case}`).toBe(true)
    }
  })
})
