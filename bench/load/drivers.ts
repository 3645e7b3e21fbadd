/**
 * Picks the drivers: wrk for everything when installed; otherwise autocannon (its own process) for
 * saturation and the in-process driver for latency, because autocannon resolves only whole
 * milliseconds and the per-hop figures are tenths of one.
 */
import { GENERATOR_CPU } from '../options.ts'
import { autocannonDriver } from './autocannon-driver.ts'
import { inprocDriver } from './inproc-driver.ts'
import type { Driver, DriverName } from './types.ts'
import { wrkDriver } from './wrk-driver.ts'

export interface Drivers {
  readonly saturation: Driver
  readonly latency: Driver
}

export function pickDrivers(options: { forced?: DriverName; wrk: boolean; pin: boolean }): Drivers {
  const make = (name: DriverName): Driver =>
    name === 'wrk' ? wrkDriver({ pin: options.pin, cpu: GENERATOR_CPU }) : name === 'autocannon' ? autocannonDriver({ pin: options.pin, cpu: GENERATOR_CPU }) : inprocDriver()
  if (options.forced) {
    const driver = make(options.forced)
    return { saturation: driver, latency: options.forced === 'autocannon' ? make('inproc') : driver }
  }
  if (options.wrk) {
    const wrk = make('wrk')
    return { saturation: wrk, latency: wrk }
  }
  return { saturation: make('autocannon'), latency: make('inproc') }
}
