// Bundles a TypeScript entry with esbuild (the transpiler tsx uses) into one ESM file under
// node_modules/.cache, named by a hash of its content, so plain Node can run it. Shared by
// bin/meshdojo.js and the benchmark, which must measure meshdojo the way `npm start` runs it.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'

/** Writes the bundle of `entry` into `cacheDir` (if not there yet) and returns its path. */
export async function bundleToCache(entry, cacheDir, { keepMs = 10 * 60_000 } = {}) {
  const { build } = await import('esbuild')
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0].contents
  const prefix = basename(entry).replace(/\.ts$/, '')
  const file = join(cacheDir, `${prefix}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`)
  if (!existsSync(file)) {
    mkdirSync(cacheDir, { recursive: true })
    // Written under a temporary name and renamed: concurrent runs never see half a file.
    const partial = `${file}.${process.pid}.tmp`
    writeFileSync(partial, code)
    renameSync(partial, file)
    prune(cacheDir, file, keepMs)
  } else {
    const now = new Date()
    utimesSync(file, now, now) // in use: not for pruning
  }
  return file
}

/** Stops esbuild's service process once no more bundles are needed. */
export async function stopBundler() {
  const { stop } = await import('esbuild')
  await stop()
}

/** Bundles of earlier sources pile up as files change; drop those nobody started for `keepMs`. */
function prune(dir, keep, keepMs) {
  const cutoff = Date.now() - keepMs
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    try {
      if (path !== keep && name.endsWith('.mjs') && statSync(path).mtimeMs < cutoff) rmSync(path)
    } catch {
      // another run removed it first
    }
  }
}
