/** Whole-machine CPU counters from /proc/stat, to say how busy (and how stolen-from) the VM was. */
import { readFileSync } from 'node:fs'

export interface CpuTotals {
  readonly busy: number
  readonly steal: number
  readonly total: number
}

export function machineCpu(): CpuTotals | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[]
    const busy = user! + nice! + system! + irq! + softirq!
    return { busy, steal: steal ?? 0, total: busy + idle! + iowait! + (steal ?? 0) }
  } catch {
    return undefined
  }
}

/** Busy and steal shares between two readings, in %. */
export function cpuShares(a: CpuTotals | undefined, b: CpuTotals | undefined): { busyPct?: number; stealPct?: number } {
  if (!a || !b || b.total <= a.total) return {}
  const total = b.total - a.total
  return { busyPct: ((b.busy - a.busy) / total) * 100, stealPct: ((b.steal - a.steal) / total) * 100 }
}
