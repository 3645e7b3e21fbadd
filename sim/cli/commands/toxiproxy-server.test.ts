/** `meshdojo toxiproxy` in process: flags, log lines, -config outcomes, warnings and shutdown (real sockets, port 0). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, connect } from 'node:net'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { captureIO, type CapturedIO } from '../../../test/support/cli-io.ts'
import { HELP, runCli } from '../main.ts'

interface LogLine {
  level: string
  message: string
  time: string
  [field: string]: unknown
}

const logLines = (io: CapturedIO): LogLine[] => io.out.map((l) => JSON.parse(l) as LogLine)

/** Starts the command in process; resolves once the API is up, with its port and a way to stop it. */
async function start(...argv: string[]) {
  const io = captureIO()
  const exit = runCli(['toxiproxy', ...argv], io)
  const deadline = performance.now() + 10_000
  let up: LogLine | undefined
  while (!(up = logLines(io).find((l) => l.message === 'Starting Toxiproxy HTTP server'))) {
    if (performance.now() > deadline) throw new Error(`no "Starting Toxiproxy HTTP server" line; got ${io.out.join('\n')} ${io.err.join('\n')}`)
    await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 5))])
  }
  const port = Number(String(up.address).split(':').at(-1))
  return {
    io,
    port,
    lines: () => logLines(io),
    stop: async () => {
      io.interrupt()
      return exit
    },
  }
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshdojo-toxiproxy-'))
  vi.stubEnv('LOG_LEVEL', 'info') // the lines under test are info lines, whatever the caller's shell says
})
afterAll(async () => {
  vi.unstubAllEnvs()
  await rm(dir, { recursive: true, force: true })
})

describe('meshdojo toxiproxy: flags', () => {
  test('meshdojo --help lists it; -h, -help and --help print its help (exit 0)', async () => {
    expect(HELP).toMatch(/\n {2}toxiproxy {13}only the Toxiproxy 2\.12-compatible server/)
    for (const flag of ['-h', '-help', '--help']) {
      const io = captureIO()
      expect(await runCli(['toxiproxy', flag], io)).toBe(0)
      expect(io.stdoutText()).toMatch(/^Usage: meshdojo toxiproxy \[flags\]\n/)
      expect(io.stdoutText()).toContain('-proxy-metrics')
    }
  })

  test('-version prints toxiproxy-server\'s line with the compatible version, and says it is meshdojo', async () => {
    for (const flag of ['-version', '--version', '-version=true']) {
      const io = captureIO()
      expect(await runCli(['toxiproxy', flag], io)).toBe(0)
      expect(io.out).toEqual([expect.stringMatching(/^toxiproxy-server version 2\.12\.0 \(meshdojo \d+\.\d+\.\d+, a TypeScript Toxiproxy-compatible server\)$/)])
    }
  })

  test('usage errors are one line with a hint, exit 2', async () => {
    const cases: [string[], string][] = [
      [['-nope'], 'meshdojo toxiproxy: flag provided but not defined: -nope. See meshdojo toxiproxy --help.'],
      [['-port'], 'meshdojo toxiproxy: flag needs an argument: -port. See meshdojo toxiproxy --help.'],
      [['-seed', 'x'], 'meshdojo toxiproxy: invalid value "x" for flag -seed: parse error. See meshdojo toxiproxy --help.'],
      [['-port', 'http'], 'meshdojo toxiproxy: -port must be a port number from 0 to 65535 (0 = any free port), got "http"'],
      [['-port', '0', 'extra'], 'meshdojo toxiproxy: unexpected argument "extra": only flags are taken, and parsing stops at the first non-flag. See meshdojo toxiproxy --help.'],
    ]
    for (const [argv, message] of cases) {
      const io = captureIO()
      expect(await runCli(['toxiproxy', ...argv], io), argv.join(' ')).toBe(2)
      expect(io.err).toEqual([message])
      expect(io.out).toEqual([])
    }
  })

  test('a port in use names it and the flag, exit 2', async () => {
    const blocker = createServer().listen(0, '127.0.0.1')
    await once(blocker, 'listening')
    const port = (blocker.address() as { port: number }).port
    try {
      const io = captureIO()
      expect(await runCli(['toxiproxy', '-port', String(port)], io)).toBe(2)
      expect(io.err.join('\n')).toContain(`port ${port} is already in use (-port)`)
    } finally {
      blocker.close()
    }
  })
})

describe('meshdojo toxiproxy: running', () => {
  test('logs toxiproxy-server\'s lines, populates -config before the API answers, and Ctrl-C closes everything (exit 0)', async () => {
    const config = join(dir, 'ok.json')
    await writeFile(config, JSON.stringify([{ name: 'web', listen: '127.0.0.1:0', upstream: 'localhost:1' }, { name: 'off', upstream: 'localhost:2', enabled: false }]))
    const server = await start('-port', '0', '-config', config, '-seed', '7')
    const proxies = (await (await fetch(`http://127.0.0.1:${server.port}/proxies`)).json()) as Record<string, { listen: string }>
    expect(Object.keys(proxies)).toEqual(['off', 'web'])
    const proxyPort = Number(proxies.web!.listen.split(':')[1])
    expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(404) // no metrics flag, as in Toxiproxy
    expect(await server.stop()).toBe(0)
    const lines = server.lines()
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['info', 'Starting Toxiproxy'],
      ['info', 'Populated proxies from file'],
      ['info', 'Starting Toxiproxy HTTP server'],
      ['info', 'Shutdown started'],
    ])
    expect(lines[0]).toMatchObject({ version: '2.12.0', seed: 7 })
    expect(lines[1]).toMatchObject({ proxies: 2 })
    expect(lines[2]).toMatchObject({ address: `localhost:${server.port}` })
    expect(Object.keys(lines[2]!)).toEqual(['level', 'address', 'time', 'message']) // zerolog's key order
    expect(lines[2]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    for (const port of [server.port, proxyPort]) {
      const socket = connect(port, '127.0.0.1')
      await expect(once(socket, 'connect')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    }
  })

  test('a -config that cannot be read or populated is logged as toxiproxy-server logs it, and the server runs on', async () => {
    const missing = join(dir, 'missing.json')
    const invalid = join(dir, 'invalid.json')
    await writeFile(invalid, '[{"name":"a","upstream":"x:1","listen":"127.0.0.1:0"},{"name":"b"}]')
    for (const [file, line] of [
      [missing, { level: 'error', error: `open ${missing}: no such file or directory`, config: missing, message: 'Error reading config file' }],
      [invalid, { level: 'error', error: 'missing required field: upstream at proxy 2', message: 'Failed to populate proxies from file' }],
    ] as const) {
      const server = await start('-port', '0', '-config', file)
      expect(server.lines()[1]).toMatchObject(line)
      expect(await (await fetch(`http://127.0.0.1:${server.port}/proxies`)).json()).toEqual({}) // validated first: nothing created
      expect(await server.stop()).toBe(0)
    }
  })

  test('-host 0.0.0.0 is accepted, as toxiproxy-server accepts it, with a warning that other machines can reach the API', async () => {
    const server = await start('-host', '0.0.0.0', '-port', '0')
    try {
      const warning = server.lines().find((l) => l.level === 'warn')
      expect(warning).toMatchObject({ address: `0.0.0.0:${server.port}`, message: expect.stringContaining('reachable from other machines') })
      expect((await fetch(`http://127.0.0.1:${server.port}/version`)).status).toBe(200)
      // The embedded server's checks stay: a name that isn't ours (DNS rebinding) is refused.
      const refused = await fetch(`http://127.0.0.1:${server.port}/proxies`, { headers: { origin: 'http://evil.example' } })
      expect(refused.status).toBe(403)
    } finally {
      expect(await server.stop()).toBe(0)
    }
  })
})
