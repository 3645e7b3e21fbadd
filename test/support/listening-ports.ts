/**
 * Every TCP port this process listens on, read from Linux's /proc (the sockets whose inodes are among
 * this process's open files): what any other process on the machine could connect to.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs'

export function listeningPorts(): number[] {
  const inodes = new Set<string>()
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`)
      const m = /^socket:\[(\d+)\]$/.exec(target)
      if (m) inodes.add(m[1]!)
    } catch {
      // closed while we looked
    }
  }
  const ports = new Set<number>()
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      // local_address is "HEXIP:HEXPORT"; state 0A is LISTEN; column 9 is the inode.
      if (cols.length > 9 && cols[3] === '0A' && inodes.has(cols[9]!)) ports.add(parseInt(cols[1]!.split(':')[1]!, 16))
    }
  }
  return [...ports].sort((a, b) => a - b)
}
