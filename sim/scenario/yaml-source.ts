/** A scenario's YAML text, parsed once, that can say on which line a field path sits. */
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml'

export interface YamlSource {
  /** Plain data (undefined when the text is not YAML at all). */
  readonly value: unknown
  /** YAML syntax errors, each with its 1-based line and column. */
  readonly errors: ReadonlyArray<{ readonly message: string; readonly line: number; readonly column: number }>
  /** Line and column of the node at `path` (or of `key` inside it), when present. */
  locate(path: readonly (string | number)[], key?: string): { line: number; column: number } | undefined
}

export function readYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter()
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const errors = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0])
    return { message: e.message.split('\n')[0]!, line: pos.line, column: pos.col }
  })
  const at = (offset: number | undefined) => {
    if (offset === undefined) return undefined
    const pos = lineCounter.linePos(offset)
    return { line: pos.line, column: pos.col }
  }
  return {
    value: errors.length > 0 ? undefined : doc.toJS({ maxAliasCount: 100 }),
    errors,
    locate(path, key) {
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
