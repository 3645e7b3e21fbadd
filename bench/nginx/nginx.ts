/**
 * nginx as the reference proxy (1 worker, `keepalive 64` to the upstream), plus a `return 200`
 * server that measures the harness ceiling. Config, logs and temp files live in a temp directory;
 * the master runs in the foreground so the harness owns it.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import { APP_BODY } from '../servers/bench-app.ts'
import { processTree } from '../proc/proc-stat.ts'
import { makeTempDir, removeTempDir, spawnTracked, stopProcess } from '../proc/processes.ts'

export const hasNginx = (): boolean => spawnSync('sh', ['-c', 'command -v nginx'], { stdio: 'ignore' }).status === 0

export interface RunningNginx {
  /** `return 200` with the app's body: what the generator can do against the fastest server. */
  readonly ceilingPort: number
  /** Reverse proxy to the app (one hop). */
  readonly hopPort: number
  readonly pid: number
  pids(): number[]
  close(): Promise<void>
}

/** A port that was free a moment ago (nginx needs a number in its config). */
async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function config(dir: string, ceilingPort: number, hopPort: number, upstreamPort: number): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`).join('\n')
  return `worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
${temp}
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${ceilingPort};
    location / { default_type application/json; return 200 '${APP_BODY.toString()}'; }
  }
  server {
    listen 127.0.0.1:${hopPort};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`
}

export async function startNginx(options: { upstreamPort: number; pin: boolean; cpu: number }): Promise<RunningNginx> {
  const dir = makeTempDir('meshdojo-nginx-')
  const ceilingPort = await freePort()
  const hopPort = await freePort()
  const conf = join(dir, 'nginx.conf')
  writeFileSync(conf, config(dir, ceilingPort, hopPort, options.upstreamPort))
  const child = spawnTracked(
    { command: 'nginx', args: ['-p', dir, '-c', conf, '-e', join(dir, 'error.log'), '-g', 'daemon off;'], cpu: options.cpu, options: { stdio: ['ignore', 'ignore', 'pipe'] } },
    options.pin,
  )
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const close = async () => {
    await stopProcess(child)
    removeTempDir(dir)
  }
  try {
    await waitForPort(ceilingPort, 5_000, () => child.exitCode !== null)
    await waitForPort(hopPort, 5_000, () => child.exitCode !== null)
  } catch (err) {
    let log = ''
    try {
      log = readFileSync(join(dir, 'error.log'), 'utf8')
    } catch {}
    await close()
    throw new Error(`nginx did not start: ${(err as Error).message}\n${stderr}${log}`)
  }
  return { ceilingPort, hopPort, pid: child.pid!, pids: () => processTree(child.pid!), close }
}

async function waitForPort(port: number, timeoutMs: number, died: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (died()) throw new Error('nginx exited')
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`port ${port} not open after ${timeoutMs} ms`)
}
