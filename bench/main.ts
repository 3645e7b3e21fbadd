/**
 * `npm run bench [-- --quick | --smoke | --profile ID]`: runs the benchmark, prints the tables and
 * the target verdicts, and writes bench/results/latest.json. Ctrl-C stops every child process.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { runBench } from './bench.ts'
import { parseOptions, USAGE } from './options.ts'
import { installSignalHandlers, killAllSync } from './proc/processes.ts'
import { render } from './report/render.ts'
import { runProfile } from './profile.ts'

const started = performance.now()
const log = (line: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`)

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), log)
  if (options === 'help') {
    process.stdout.write(USAGE)
    return 0
  }
  installSignalHandlers()
  if (options.profile) return runProfile(options)
  const results = await runBench(options)
  process.stdout.write(`${render(results)}\n`)
  if (options.out) {
    mkdirSync(dirname(options.out), { recursive: true })
    writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`)
    log(`bench: results written to ${options.out} (${results.durationS.toFixed(0)} s)`)
  }
  const failed = results.targets.filter((t) => t.verdict === 'FAIL')
  if (options.mode !== 'smoke') log(`bench: ${results.targets.filter((t) => t.verdict === 'PASS').length} targets pass, ${failed.length} fail`)
  return options.strict && options.mode !== 'smoke' && failed.length > 0 ? 1 : 0
}

main().then(
  (code) => {
    killAllSync()
    process.exit(code)
  },
  (err: Error) => {
    killAllSync()
    process.stderr.write(`bench failed: ${err?.stack ?? err}\n`)
    process.exit(2)
  },
)
