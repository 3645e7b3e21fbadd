/**
 * Servers run the way `npm start` runs meshdojo (bin/meshdojo.js): bundled once by esbuild into
 * node_modules/.cache and started with plain node, so no tsx loader thread and no `keepNames`
 * wrappers are measured. The whole-demo child also gets npm start's 2 MB semi-spaces; the
 * data-plane configurations keep V8's defaults. Falls back to tsx when esbuild is unavailable.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CACHE = join(ROOT, 'node_modules', '.cache', 'meshdojo-bench')

/** The node flags `npm start` uses (package.json / bin/meshdojo.js shebang). */
export const NPM_START_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2']

const built = new Map<string, Promise<string | undefined>>()

/** Path of the bundle of `bench/servers/<script>`, or undefined (use tsx) if it cannot be built. */
export function bundleServer(script: string): Promise<string | undefined> {
  let file = built.get(script)
  if (!file) {
    file = build(script).catch(() => undefined)
    built.set(script, file)
  }
  return file
}

async function build(script: string): Promise<string> {
  const { build: esbuild } = await import('esbuild')
  const result = await esbuild({
    entryPoints: [join(ROOT, 'bench', 'servers', script)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]!.contents
  const file = join(CACHE, `${script.replace(/\.ts$/, '')}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`)
  if (!existsSync(file)) {
    mkdirSync(CACHE, { recursive: true })
    const partial = `${file}.${process.pid}.tmp`
    writeFileSync(partial, code)
    renameSync(partial, file) // concurrent runs never see half a file
    prune(file)
  } else {
    const now = new Date()
    utimesSync(file, now, now) // in use: not for pruning
  }
  return file
}

/** Bundles of earlier sources pile up as files change; drop those nobody used for an hour. */
function prune(keep: string): void {
  const cutoff = Date.now() - 3_600_000
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name)
    try {
      if (path !== keep && statSync(path).mtimeMs < cutoff) rmSync(path)
    } catch {
      // another run removed it first
    }
  }
}

/** Stops esbuild's service process once every bundle is built. */
export async function stopBundler(): Promise<void> {
  if (built.size === 0) return
  await Promise.all(built.values())
  const { stop } = await import('esbuild')
  await stop()
}
