/** Multi-document YAML → one plain value per non-empty document, numbered as in the file (1-based). */

import { parseAllDocuments } from 'yaml'
import type { Diagnostic, SourceRef } from '../types.ts'

export interface YamlDocument {
  readonly value: unknown
  readonly source: SourceRef
}

export function splitDocuments(text: string, file: string): { documents: YamlDocument[]; diagnostics: Diagnostic[] } {
  const documents: YamlDocument[] = []
  const diagnostics: Diagnostic[] = []
  const parsed = parseAllDocuments(text)
  const docs = Array.isArray(parsed) ? parsed : []
  docs.forEach((doc, i) => {
    const source: SourceRef = { file, document: i + 1 }
    for (const e of doc.errors) diagnostics.push(yamlProblem('Error', e.message, source))
    for (const w of doc.warnings) diagnostics.push(yamlProblem('Warning', w.message, source))
    if (doc.errors.length > 0) return
    const value: unknown = doc.toJS()
    if (value !== null && value !== undefined) documents.push({ value, source })
  })
  return { documents, diagnostics }
}

/** The yaml package's first line carries the position: `Map keys must be unique at line 9, column 1:`. */
function yamlProblem(level: 'Error' | 'Warning', message: string, source: SourceRef): Diagnostic {
  const first = message.split('\n')[0]!.replace(/:$/, '')
  return { level, code: 'MD0001', message: `YAML syntax error: ${first}`, source }
}
