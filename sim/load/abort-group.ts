/**
 * Many requests cancelled together (the demo's load stopping, Ctrl-C, a scenario step aborted), with
 * one listener on the long-lived signal however many are in flight. Handing that signal to every
 * request instead adds an 'abort' listener per request to it (undici's request(), clock.sleep), each
 * living as long as its request: past 10, Node prints `MaxListenersExceededWarning: 11 abort listeners
 * added to [AbortSignal]`, and a slow or faulted mesh holds dozens.
 */
export class AbortGroup {
  readonly #members = new Set<AbortController>()
  #aborted = false
  #reason: unknown = undefined
  #detach: () => void = () => {}

  /** Follows `parent` (if given) until it aborts or `close()`: one listener on it, whatever the load. */
  constructor(parent?: AbortSignal) {
    if (!parent) return
    if (parent.aborted) {
      this.abort(parent.reason)
      return
    }
    const onAbort = () => this.abort(parent.reason)
    parent.addEventListener('abort', onAbort, { once: true })
    this.#detach = () => parent.removeEventListener('abort', onAbort)
  }

  get aborted(): boolean {
    return this.#aborted
  }

  /** Requests (or sleeps) running now. */
  get size(): number {
    return this.#members.size
  }

  /**
   * Runs `work` with a signal of its own, aborted if the group is; it leaves the group when `work`
   * settles, so nothing of it outlives the request.
   */
  async run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const member = new AbortController()
    if (this.#aborted) member.abort(this.#reason)
    else this.#members.add(member)
    try {
      return await work(member.signal)
    } finally {
      this.#members.delete(member)
    }
  }

  /** Aborts everything running now and everything run from now on. */
  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    if (this.#aborted) return
    this.#aborted = true
    this.#reason = reason
    this.close()
    const members = [...this.#members]
    this.#members.clear()
    for (const m of members) m.abort(reason)
  }

  /** Stops following the parent signal (the group's work is over). */
  close(): void {
    this.#detach()
    this.#detach = () => {}
  }
}
