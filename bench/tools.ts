/**
 * Which external tools this machine has (wrk, nginx, taskset), and an attempt to install the missing
 * ones with apt-get when we are root (or have password-less sudo). Never fails: whatever is
 * missing, the benchmark falls back (autocannon, no nginx rows, no pinning) and says so.
 */
import { spawnSync } from 'node:child_process'
import { hasNginx } from './nginx/nginx.ts'
import { hasWrk } from './load/wrk-driver.ts'
import { hasTaskset } from './proc/processes.ts'

export interface Tools {
  readonly wrk: boolean
  readonly nginx: boolean
  readonly taskset: boolean
  /** What was tried, for the report. */
  readonly notes: readonly string[]
}

export function detectTools(options: { install: boolean; log: (line: string) => void }): Tools {
  const notes: string[] = []
  const missing = [hasWrk() ? undefined : 'wrk', hasNginx() ? undefined : 'nginx'].filter((x): x is string => x !== undefined)
  if (missing.length > 0 && options.install) {
    const root = process.getuid?.() === 0
    const sudo = !root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0
    if (root || sudo) {
      const prefix = root ? [] : ['sudo', '-n']
      const run = (args: string[]) => {
        const [cmd, ...rest] = [...prefix, ...args]
        options.log(`bench: running \`${[cmd, ...rest].join(' ')}\``)
        const r = spawnSync(cmd!, rest, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 300_000 })
        return r.status === 0
      }
      if (!run(['apt-get', 'install', '-y', ...missing])) {
        run(['apt-get', 'update'])
        if (!run(['apt-get', 'install', '-y', ...missing])) notes.push(`apt-get install ${missing.join(' ')} failed`)
      }
    } else {
      notes.push(`${missing.join(' and ')} missing; not root and no password-less sudo, so not installed`)
    }
  }
  const tools = { wrk: hasWrk(), nginx: hasNginx(), taskset: hasTaskset(), notes }
  if (!tools.wrk) notes.push('wrk not available: saturation runs use autocannon, latency runs the in-process driver')
  if (!tools.nginx) notes.push('nginx not available: no nginx rows, no harness-ceiling check')
  if (!tools.taskset) notes.push('taskset not available: generator and servers are not pinned to separate CPUs')
  return tools
}
