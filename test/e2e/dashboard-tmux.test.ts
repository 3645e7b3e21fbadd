/**
 * The real `meshdojo demo` in a real terminal: tmux runs it at 120×40 on ephemeral ports, the test
 * reads the screen with `capture-pane` and types with `send-keys`, as a learner would: shift reviews
 * to v3, abort ratings, quit. Every wait polls the pane against a deadline. tmux runs on its own
 * socket (-L) with no user config, so it never touches anyone's sessions.
 */
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test, vi } from 'vitest'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0
const SOCKET = `meshdojo-dashboard-${process.pid}`
const SESSION = `dash-${Date.now().toString(36)}`

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

const pane = () => tmux('capture-pane', '-p', '-t', SESSION)

/** Polls the pane until `check` returns a value; fails with the last screen after `timeoutMs`. */
async function waitForPane<T>(what: string, check: (screen: string) => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  let screen = ''
  try {
    return await vi.waitFor(
      () => {
        screen = pane()
        const value = check(screen)
        if (value === undefined || value === false) throw new Error(`not yet: ${what}`)
        return value
      },
      { timeout: timeoutMs, interval: 200 },
    )
  } catch {
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${screen}`)
  }
}

/** Types a `:` command and Enter. */
const command = (text: string) => {
  tmux('send-keys', '-t', SESSION, '-l', text)
  tmux('send-keys', '-t', SESSION, 'Enter')
}

const WORKLOADS = ['istio-ingressgateway', 'productpage-v1', 'details-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'ratings-v1']
const withNumbers = (screen: string, name: string) => new RegExp(`● ${name}\\s+\\S+\\s+1/1\\s+\\d+\\.\\d+%\\s+\\d+\\.\\drps\\s+\\d`).test(screen)

describe.skipIf(!hasTmux)(`meshdojo demo's dashboard in tmux${hasTmux ? '' : ' (skipped: tmux is not installed)'}`, () => {
  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server'])
    rmSync(join(process.env.TMUX_TMPDIR ?? tmpdir(), `tmux-${process.getuid?.() ?? 0}`, SOCKET), { force: true })
  })

  test('shows live numbers with Unicode borders, shifts reviews to v3, aborts ratings, and quits cleanly', async () => {
    try {
      // CI=… would select the plain table; the learner's terminal has no CI variable.
      const demo = 'node bin/meshdojo.js demo --port 0 --admin-port 0 --toxiproxy-port 0 --seed 7 --rps 5'
      tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', '-c', REPO, `env -u CI ${demo}; echo EXIT=$?; sleep 60`)

      const first = await waitForPane('every workload with numbers', (s) => WORKLOADS.every((w) => withNumbers(s, w)) && s, 45_000)
      expect(first).toContain('┌─ Workloads ─')
      expect(first).toMatch(/├─ Service graph.*─┬─ Active config ─/)
      expect(first).toMatch(/┗━▶ productpage-v1\s+\d+\.\d\s+\d+\.\d%/)
      expect(first).toContain('VS bookinfo@bookinfo-gateway')
      expect(first).toMatch(/^ meshdojo .*http:\/\/127\.0\.0\.1:\d+\/productpage .*seed 7/m)
      expect(first).not.toMatch(/lqq|qqk|mqq/) // the terminfo workaround: no VT100 line-drawing letters

      command(':split reviews v3=100')
      await waitForPane('the split in the config panel', (s) => s.includes('VS reviews: *→v3'))
      await waitForPane('reviews-v3 taking all of reviews', (s) => /━▶ reviews-v3\s+\d+\.\d\s+\d+\.\d%\s+100%/.test(s))

      command(':fault ratings abort 500 100%')
      const aborted = await waitForPane('the abort in the graph', (s) => /━▶ ratings \(local(?: reply)?\)\s+\d+\.\d\s+100\.0%/.test(s) && s)
      expect(aborted).toMatch(/FI abort 500/)
      expect(aborted).toContain('VS ratings: *→ratings [abort 500]')
      expect(aborted).toMatch(/reviews-v3\s+→ ratings\s+500 FI/) // the tap

      tmux('send-keys', '-t', SESSION, 'q')
      const after = await waitForPane('the demo to exit', (s) => /EXIT=\d+/.test(s) && s, 20_000)
      expect(after).toContain('EXIT=0')
      expect(after).toContain('meshdojo ready: Bookinfo at') // back on the main screen, where the ready line was
      expect(after).not.toContain('Workloads')
    } finally {
      spawnSync('tmux', ['-L', SOCKET, 'kill-session', '-t', SESSION])
    }
  }, 120_000)
})
