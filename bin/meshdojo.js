#!/usr/bin/env -S node --max-semi-space-size=2
// Entry point for `meshdojo` and `npm start`. The TypeScript sources are bundled with esbuild (the
// transpiler tsx uses) into one file under node_modules/.cache, then run by plain Node: no loader
// hooks in a second thread and no per-file transpiling, so the demo starts faster and uses about
// 40 MB less memory. If the cache cannot be written, it falls back to tsx.
// V8 gets 2 MB semi-spaces instead of 16 MB: the demo's light traffic does not need a
// throughput-sized young generation (idle demo, Node 20: 87 MB RSS with it, 104 MB without).
// The shebang and `npm start` pass the flag. Started as `node bin/meshdojo.js`, it is missing, and it
// can only be set before V8 sizes its heap: v8.setFlagsFromString here changes nothing (107 MB),
// and a child process started with it costs more than it saves (a 44 MB parent + an 89 MB child).
// So the process replaces itself with one that has the flag where Node can (process.execve, Node
// 22.15+ / 23.11+: same pid, nothing left behind), and runs as it is otherwise.
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { bundleToCache, stopBundler } from './bundle-cache.js'

const SEMI_SPACE = '--max-semi-space-size=2'
const hasSemiSpace = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith('--max-semi-space-size'))
if (!hasSemiSpace && typeof process.execve === 'function') {
  process.execve(process.execPath, [process.execPath, SEMI_SPACE, ...process.execArgv, ...process.argv.slice(1)], process.env)
}

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const entry = join(root, 'sim', 'cli', 'main.ts')

async function bundled() {
  const file = await bundleToCache(entry, join(root, 'node_modules', '.cache', 'meshdojo'))
  await stopBundler() // the esbuild service process is not needed any more
  return import(pathToFileURL(file).href)
}

async function viaTsx() {
  const { register } = await import('tsx/esm/api')
  register()
  return import(pathToFileURL(entry).href)
}

const cli = await bundled().catch(viaTsx)
await cli.main()
