/**
 * A scenario's YAML text, parsed once, that can say on which line a field path sits. Read by the same
 * bounded reader as Istio config (mesh/control/parse/documents.ts): at most 1 MiB, 64 levels deep, 100
 * aliases expanding to 10,000 values; tags plain data cannot hold and `__proto__` keys are errors. No text
 * makes it throw.
 */
import { isMap, isScalar, LineCounter, type Document } from 'yaml'
import { readYaml, type YamlProblem } from '../../mesh/control/parse/documents.ts'

export interface YamlSource {
  /** Plain data (undefined when the text is not YAML at all, or breaks a limit). */
  readonly value: unknown
  /** YAML syntax errors and broken limits, each with its 1-based line and column. */
  /** `code` MD0001 is the YAML library's own message, which may quote the text; the others are meshdojo's words. */
  readonly errors: ReadonlyArray<{ readonly code: string; readonly message: string; readonly line: number; readonly column: number }>
  /** Line and column of the node at `path` (or of `key` inside it), when present. */
  locate(path: readonly (string | number)[], key?: string): { line: number; column: number } | undefined
}

export function readYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter()
  const read = readYaml(text, { lineCounter, maxDocuments: 1, subject: { name: 'the scenario file', per: 'file' } })
  const pos = (offset: number | undefined) => {
    if (offset === undefined) return { line: 1, column: 1 } // about the whole file
    const p = lineCounter.linePos(offset)
    return { line: p.line, column: p.col }
  }
  const message = (p: YamlProblem) => {
    // "YAML syntax error: " is implied by "not valid YAML: " in the scenario loader's message.
    const text = p.message.replace(/^YAML syntax error: /, '').replace(/ at line \d+, column \d+$/, '')
    return p.field === undefined ? text : `${p.field}: ${text}`
  }
  const doc: Document | undefined = read.documents[0]?.node
  const problems = [...(read.documents[0]?.problems ?? []), ...(read.stop === undefined ? [] : [read.stop])]
  const errors = problems
    .filter((p) => p.level === 'Error')
    .map((p) => ({ code: p.code, message: read.stop === p && p.code === 'MD0008' ? 'a scenario file holds one YAML document; remove the second "---"' : message(p), ...pos(p.offset) }))
  const at = (offset: number | undefined) => {
    if (offset === undefined) return undefined
    const p = lineCounter.linePos(offset)
    return { line: p.line, column: p.col }
  }
  return {
    value: errors.length > 0 ? undefined : (read.documents[0]?.value ?? null),
    errors,
    locate(path, key) {
      if (doc === undefined) return undefined
      let node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true)
      // getIn on a missing path returns undefined; fall back to the deepest existing parent.
      for (let n = path.length; node === undefined && n > 0; n--) node = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true)
      if (key !== undefined && isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key)
        if (pair && isScalar(pair.key)) return at(pair.key.range?.[0])
      }
      return at((node as { range?: [number, number, number] } | undefined)?.range?.[0])
    },
  }
}
