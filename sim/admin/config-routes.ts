/**
 * Config on the admin API, kubectl-style: GET /config[/<kind>[/<name>]] (?output=yaml|json|table),
 * POST /apply (YAML body; 200 with what changed; 400 with every error, or 413 when the body is over a size
 * limit; nothing applied either way), POST /delete (YAML body, for `delete -f`), DELETE /config/<kind>/<name>,
 * POST /reset.
 *
 * Bad input cannot produce a 500 here: the YAML reader and the parsers report every problem as a diagnostic
 * (parse/documents.ts bounds size, depth, aliases and documents), so an exception that still escapes is a
 * meshdojo bug and is left to answer 500 as one.
 */
import express, { type Express, type Request, type Response } from 'express'
import { ConfigRejectedError, formatDiagnostic, formatResources, parseResourceRefs, resolveKind, type Diagnostic, type OutputFormat } from '../../mesh/control/index.ts'
import { renderValue } from '../../mesh/control/diagnostics.ts'
import { CONFIG_LIMITS, TOO_LARGE_CODES } from '../../mesh/control/parse/documents.ts'
import { MeshError } from '../../mesh/errors.ts'
import type { Mesh } from '../mesh/start-mesh.ts'

/** The same number of bytes the YAML reader allows (1 MiB): larger bodies are refused with 413 unread. */
const YAML_LIMIT = CONFIG_LIMITS.maxBytes

/** 413 when the input itself is over a limit (bytes, resources), 400 for everything else that is wrong with it. */
const rejectionStatus = (errors: readonly Diagnostic[]): 400 | 413 => (errors.some((d) => TOO_LARGE_CODES.has(d.code)) ? 413 : 400)

/** Diagnostics as JSON, with received values rendered short (a value may be a large part of the document). */
const diagnosticsJson = (list: readonly Diagnostic[]) =>
  list.map((d) => (d.value === undefined ? d : { ...d, value: renderValue(d.value) }))

export function configRoutes(mesh: Mesh): (app: Express) => void {
  return (app) => {
    const yamlBody = express.text({ type: () => true, limit: YAML_LIMIT })

    app.get(['/config', '/config/:kind', '/config/:kind/:name'], (req, res) => {
      const output = outputOf(req)
      const kind = req.params.kind ? resolveKindOr400(String(req.params.kind), res) : undefined
      if (req.params.kind && !kind) return
      const name = req.params.name ? String(req.params.name) : undefined
      const resources = mesh.config.list(kind).filter((r) => !name || r.meta.name === name)
      if (name && resources.length === 0) {
        res.status(404).json({ error: `${kind?.toLowerCase()}s "${name}" not found` })
        return
      }
      const now = mesh.clock.epochMs()
      const createdAt = (r: (typeof resources)[number]) => mesh.config.createdAt(r.kind, r.meta.name, r.meta.namespace)
      const text = formatResources(resources, output, { createdAt, now, asList: !name })
      res.type(output === 'json' ? 'application/json' : 'text/plain').send(text)
    })

    app.post('/apply', yamlBody, (req, res) => {
      const file = String(req.query.file ?? 'request body')
      try {
        const result = mesh.config.applyText(typeof req.body === 'string' ? req.body : '', file, { dryRun: req.query.dryRun === '1' || req.query.dryRun === 'true' })
        res.json({ changes: result.changes, warnings: result.warnings.map(formatDiagnostic) })
      } catch (err) {
        if (err instanceof ConfigRejectedError) {
          res.status(rejectionStatus(err.errors)).json({
            error: `config rejected: ${err.errors.length} error(s), nothing applied`,
            errors: err.errors.map(formatDiagnostic),
            diagnostics: diagnosticsJson(err.diagnostics),
          })
          return
        }
        throw err
      }
    })

    app.post('/delete', yamlBody, (req, res) => {
      const refs = parseResourceRefs(typeof req.body === 'string' ? req.body : '', String(req.query.file ?? 'request body'))
      if (refs.diagnostics.length > 0 && refs.refs.length === 0) {
        res.status(rejectionStatus(refs.diagnostics)).json({ error: 'nothing to delete', errors: refs.diagnostics.map(formatDiagnostic) })
        return
      }
      res.json(mesh.config.deleteResources(refs.refs))
    })

    app.delete('/config/:kind/:name', (req, res) => {
      const kind = resolveKindOr400(String(req.params.kind), res)
      if (!kind) return
      const namespace = String(req.query.namespace ?? 'default')
      if (mesh.config.delete(kind, String(req.params.name), namespace)) res.json({ deleted: { kind, name: req.params.name, namespace } })
      else res.status(404).json({ error: `${kind} ${req.params.name}.${namespace} not found` })
    })

    app.post('/reset', async (_req, res) => {
      await mesh.resetConfig()
      res.json({ reset: true, version: mesh.config.snapshot().version })
    })
  }
}

function outputOf(req: Request): OutputFormat {
  const o = String(req.query.output ?? req.query.o ?? 'json')
  return o === 'yaml' || o === 'table' ? o : 'json'
}

function resolveKindOr400(name: string, res: Response): string | undefined {
  try {
    return resolveKind(name)
  } catch (err) {
    res.status(400).json({ error: err instanceof MeshError ? err.message : String(err) })
    return undefined
  }
}
