/** Istio's own Bookinfo YAML, as vendored in samples/istio (or ISTIO_SAMPLES_DIR). */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const SAMPLES_DIR = process.env.ISTIO_SAMPLES_DIR ?? fileURLToPath(new URL('../../samples/istio/', import.meta.url))

export const sample = (file: string): string => readFileSync(join(SAMPLES_DIR, file), 'utf8')

/** Applies sample files in order, as `kubectl apply -f` would. */
export function applySamples(mesh: { config: { applyText(text: string, file: string): unknown } }, ...files: string[]): void {
  for (const file of files) mesh.config.applyText(sample(file), file)
}
