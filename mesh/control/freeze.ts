/** Deep freezing for parsed config: nothing downstream of the edge can change it. */

/**
 * A Set whose contents cannot change after construction (Object.freeze alone does not stop `add`).
 * Reads behave exactly like a Set.
 */
export class FrozenSet<T> extends Set<T> {
  #sealed = false
  constructor(values: Iterable<T> = []) {
    super()
    for (const v of values) super.add(v)
    this.#sealed = true
    Object.freeze(this)
  }
  override add(value: T): this {
    if (this.#sealed) throw new TypeError('this set is frozen')
    return super.add(value)
  }
  override delete(_value: T): boolean {
    throw new TypeError('this set is frozen')
  }
  override clear(): void {
    throw new TypeError('this set is frozen')
  }
}

/**
 * Freezes `value` and everything reachable from it. RegExps are frozen too: that is safe for non-global,
 * non-sticky ones (`test`, `exec`, `match`, `replace` never write `lastIndex` on them), which is all we build.
 */
export function deepFreeze<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value
  seen.add(value)
  if (value instanceof Set || value instanceof Map) {
    for (const v of value.values()) deepFreeze(v, seen)
  }
  Object.freeze(value)
  for (const key of Reflect.ownKeys(value)) {
    deepFreeze((value as Record<PropertyKey, unknown>)[key], seen)
  }
  return value
}
