/**
 * CPU time and memory of a process, read from /proc the way `top` does: utime + stime in clock ticks
 * (USER_HZ, usually 100 per second) and VmRSS. Linux only; elsewhere every reading is undefined.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/** Microseconds per clock tick (10 000 when USER_HZ is 100). */
export const TICK_US = 1e6 / clockTicksPerSecond()

function clockTicksPerSecond(): number {
  try {
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    return Number.isFinite(hz) && hz > 0 ? hz : 100
  } catch {
    return 100
  }
}

/** The fields of /proc/<pid>/stat after the command name (which may contain spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return text.slice(text.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

/** utime + stime of `pid` in µs (field 14 and 15 of stat; index 11 and 12 after the name). */
export function cpuMicros(pid: number): number | undefined {
  const f = statFields(pid)
  return f ? (Number(f[11]) + Number(f[12])) * TICK_US : undefined
}

/** CPU of a process's waited-for children (cutime + cstime), in µs: how a shell reports what it ran. */
export function childrenCpuMicros(statLine: string): number | undefined {
  const f = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ')
  const cutime = Number(f[13])
  const cstime = Number(f[14])
  return Number.isFinite(cutime) && Number.isFinite(cstime) ? (cutime + cstime) * TICK_US : undefined
}

export function parentPid(pid: number): number | undefined {
  const f = statFields(pid)
  return f ? Number(f[1]) : undefined
}

/** Resident set size in bytes (VmRSS from /proc/<pid>/status). */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

/** `pid` and every process below it (nginx's workers under its master). */
export function processTree(pid: number): number[] {
  let entries: string[]
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e))
  } catch {
    return [pid]
  }
  const children = new Map<number, number[]>()
  for (const e of entries) {
    const ppid = parentPid(Number(e))
    if (ppid === undefined) continue
    const list = children.get(ppid) ?? []
    list.push(Number(e))
    children.set(ppid, list)
  }
  const out: number[] = []
  const queue = [pid]
  while (queue.length > 0 && out.length < 1000) {
    const next = queue.shift()!
    out.push(next)
    queue.push(...(children.get(next) ?? []))
  }
  return out
}

/** Total CPU µs of a set of processes; processes that are gone count as 0. */
export function totalCpuMicros(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (cpuMicros(pid) ?? 0), 0)
}

/** Whether /proc gives CPU readings at all here (false on macOS and Windows). */
export const hasProcFs = (): boolean => cpuMicros(process.pid) !== undefined
