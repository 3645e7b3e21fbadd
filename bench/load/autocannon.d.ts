/** The part of autocannon 8's API the fallback driver uses (the package ships no types). */
declare module 'autocannon' {
  interface Options {
    url: string
    connections?: number
    duration?: number
    amount?: number
    headers?: Record<string, string>
    connectionRate?: number
    timeout?: number
  }
  interface Histogram {
    p50: number
    p90: number
    p99: number
    max: number
  }
  interface Result {
    requests: { total: number }
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    latency: Histogram
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
