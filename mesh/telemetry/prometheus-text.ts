/**
 * A strict reader of the Prometheus text exposition format (0.0.4): checks HELP/TYPE lines, sample
 * syntax, duplicate series, and histogram invariants (`_bucket{le}` cumulative and ending in
 * `+Inf` = `_count`, plus `_sum`). Used by tests and by checks that read a metric's value.
 */

export interface PromSample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

/** One metric family: its HELP, TYPE and samples (`_bucket`/`_sum`/`_count` included for histograms). */
export interface PromFamily {
  readonly name: string
  help?: string
  type?: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'
  readonly samples: PromSample[]
}

/** What is wrong with an exposition, and where. */
export class PrometheusTextError extends Error {
  override readonly name = 'PrometheusTextError'
  constructor(
    message: string,
    /** 1-based line number, when one line is at fault. */
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`)
  }
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])

/** Parses and validates; throws PrometheusTextError naming the first problem. */
export function parsePrometheusText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>()
  const seenSeries = new Set<string>()
  const family = (name: string) => {
    let f = families.get(name)
    if (!f) families.set(name, (f = { name, samples: [] }))
    return f
  }
  const lines = text.split('\n')
  if (lines.at(-1) !== '') throw new PrometheusTextError('the exposition must end with a newline')
  lines.forEach((line, i) => {
    const n = i + 1
    if (line === '') return
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line)
      if (!m) return // other comments are allowed
      const [, kind, name, rest = ''] = m
      if (!METRIC.test(name!)) throw new PrometheusTextError(`bad metric name "${name}"`, n)
      const f = family(name!)
      if (kind === 'HELP') {
        if (f.help !== undefined) throw new PrometheusTextError(`second HELP for ${name}`, n)
        f.help = rest
      } else {
        if (!TYPES.has(rest)) throw new PrometheusTextError(`unknown TYPE "${rest}" for ${name}`, n)
        if (f.type !== undefined) throw new PrometheusTextError(`second TYPE for ${name}`, n)
        if (f.samples.length > 0) throw new PrometheusTextError(`TYPE for ${name} after its samples`, n)
        f.type = rest as PromFamily['type']
      }
      return
    }
    const sample = parseSample(line, n)
    const key = `${sample.name}{${Object.entries(sample.labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',')}}`
    if (seenSeries.has(key)) throw new PrometheusTextError(`duplicate series ${key}`, n)
    seenSeries.add(key)
    family(familyOf(sample.name, families)).samples.push(sample)
  })
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f)
  return families
}

/** Sum of the samples named `name` whose labels include every pair in `match`. */
export function sampleSum(families: Map<string, PromFamily>, name: string, match: Readonly<Record<string, string>> = {}): number {
  let sum = 0
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)) sum += s.value
    }
  }
  return sum
}

/** Every sample named `name` whose labels include `match`. */
export function samplesOf(families: Map<string, PromFamily>, name: string, match: Readonly<Record<string, string>> = {}): PromSample[] {
  return [...families.values()].flatMap((f) => f.samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)))
}

/** `x_bucket`, `x_sum`, `x_count` belong to histogram `x` when `x` was declared one. */
function familyOf(sample: string, families: Map<string, PromFamily>): string {
  const m = /^(.*)_(bucket|sum|count)$/.exec(sample)
  if (m && families.get(m[1]!)?.type === 'histogram') return m[1]!
  if (m && m[2] !== 'bucket' && families.get(m[1]!)?.type === 'summary') return m[1]!
  return sample
}

function parseSample(line: string, n: number): PromSample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)(?: (-?\d+))?$/.exec(line)
  if (!m) throw new PrometheusTextError(`not a sample line: ${line.slice(0, 120)}`, n)
  const [, name, rawLabels, rawValue] = m
  const value = parseValue(rawValue!)
  if (value === undefined) throw new PrometheusTextError(`bad value "${rawValue}"`, n)
  return { name: name!, labels: rawLabels ? parseLabels(rawLabels, n) : {}, value }
}

function parseValue(v: string): number | undefined {
  if (v === '+Inf' || v === 'Inf') return Infinity
  if (v === '-Inf') return -Infinity
  if (v === 'NaN') return NaN
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v) ? Number(v) : undefined
}

function parseLabels(raw: string, n: number): Record<string, string> {
  const labels: Record<string, string> = {}
  let i = 1 // after "{"
  while (i < raw.length - 1) {
    const eq = raw.indexOf('=', i)
    if (eq < 0) throw new PrometheusTextError(`label without "=" in ${raw.slice(0, 80)}`, n)
    const name = raw.slice(i, eq)
    if (!LABEL.test(name)) throw new PrometheusTextError(`bad label name "${name}"`, n)
    if (raw[eq + 1] !== '"') throw new PrometheusTextError(`label ${name} value is not quoted`, n)
    let value = ''
    let j = eq + 2
    for (; j < raw.length - 1 && raw[j] !== '"'; j++) {
      if (raw[j] === '\\') {
        const next = raw[++j]
        if (next === 'n') value += '\n'
        else if (next === '\\' || next === '"') value += next
        else throw new PrometheusTextError(`bad escape "\\${next}" in label ${name}`, n)
      } else if (raw[j] === '\n') throw new PrometheusTextError(`raw newline in label ${name}`, n)
      else value += raw[j]
    }
    if (raw[j] !== '"') throw new PrometheusTextError(`unterminated value of label ${name}`, n)
    if (name in labels) throw new PrometheusTextError(`label ${name} twice`, n)
    labels[name] = value
    i = j + 1
    if (raw[i] === ',') i++
    else if (i !== raw.length - 1) throw new PrometheusTextError(`expected "," or "}" after label ${name}`, n)
  }
  return labels
}

function checkHistogram(f: PromFamily): void {
  const groups = new Map<string, { buckets: { le: number; value: number }[]; sum?: number; count?: number }>()
  const group = (labels: Readonly<Record<string, string>>) => {
    const key = JSON.stringify(Object.entries(labels).filter(([k]) => k !== 'le').sort(([a], [b]) => a.localeCompare(b)))
    let g = groups.get(key)
    if (!g) groups.set(key, (g = { buckets: [] }))
    return g
  }
  for (const s of f.samples) {
    if (s.name === `${f.name}_bucket`) {
      if (s.labels.le === undefined) throw new PrometheusTextError(`${s.name} without an le label`)
      const le = parseValue(s.labels.le)
      if (le === undefined || Number.isNaN(le)) throw new PrometheusTextError(`${s.name} has le="${s.labels.le}"`)
      group(s.labels).buckets.push({ le, value: s.value })
    } else if (s.name === `${f.name}_sum`) group(s.labels).sum = s.value
    else if (s.name === `${f.name}_count`) group(s.labels).count = s.value
    else throw new PrometheusTextError(`sample ${s.name} does not belong to histogram ${f.name}`)
  }
  for (const [key, g] of groups) {
    const where = `${f.name}${key}`
    if (g.sum === undefined) throw new PrometheusTextError(`${where}: no _sum`)
    if (g.count === undefined) throw new PrometheusTextError(`${where}: no _count`)
    const sorted = [...g.buckets].sort((a, b) => a.le - b.le)
    if (sorted.at(-1)?.le !== Infinity) throw new PrometheusTextError(`${where}: no le="+Inf" bucket`)
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.le === sorted[i - 1]!.le) throw new PrometheusTextError(`${where}: le=${sorted[i]!.le} twice`)
      if (sorted[i]!.value < sorted[i - 1]!.value) throw new PrometheusTextError(`${where}: buckets not cumulative at le=${sorted[i]!.le}`)
    }
    if (sorted.at(-1)!.value !== g.count) throw new PrometheusTextError(`${where}: +Inf bucket ${sorted.at(-1)!.value} ≠ _count ${g.count}`)
  }
}
