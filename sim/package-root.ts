/**
 * The folder holding meshdojo's package.json, found by walking up from a module's URL. Works from
 * the sources and from the bundle bin/meshdojo.js builds (which lives under node_modules/.cache).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export function packageRoot(fromUrl: string): string {
  let dir = dirname(fileURLToPath(fromUrl))
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'meshdojo') return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`cannot find meshdojo's package.json above ${fileURLToPath(fromUrl)}`)
    dir = parent
  }
}

/** A path inside the package, e.g. `packagePath(import.meta.url, 'scenarios')`. */
export const packagePath = (fromUrl: string, ...parts: string[]): string => join(packageRoot(fromUrl), ...parts)
