/**
 * Servers run the way `npm start` runs meshdojo (bin/meshdojo.js): bundled once by esbuild into
 * node_modules/.cache and started with plain node, so no tsx loader thread and no `keepNames`
 * wrappers are measured. The whole-demo child also gets npm start's 2 MB semi-spaces; the
 * data-plane configurations keep V8's defaults. Falls back to tsx when esbuild is unavailable.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleToCache, stopBundler as stopEsbuild } from '../../bin/bundle-cache.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CACHE = join(ROOT, 'node_modules', '.cache', 'meshdojo-bench')

/** The node flags `npm start` uses (package.json / bin/meshdojo.js shebang). */
export const NPM_START_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2']

const built = new Map<string, Promise<string | undefined>>()

/** Path of the bundle of `bench/servers/<script>`, or undefined (use tsx) if it cannot be built. */
export function bundleServer(script: string): Promise<string | undefined> {
  let file = built.get(script)
  if (!file) {
    file = bundleToCache(join(ROOT, 'bench', 'servers', script), CACHE, { keepMs: 3_600_000 }).catch(() => undefined)
    built.set(script, file)
  }
  return file
}

/** Stops esbuild's service process once every bundle is built. */
export async function stopBundler(): Promise<void> {
  if (built.size === 0) return
  await Promise.all(built.values())
  await stopEsbuild()
}
