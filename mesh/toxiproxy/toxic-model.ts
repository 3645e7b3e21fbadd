/** A toxic's settings as the proxy holds them; live connections run it through stages. */
import type { Direction, ToxicJson } from './types.ts'
import type { ToxicKind } from './toxics/types.ts'

/** Immutable; an update replaces it with a copy that keeps the same `id`. */
export interface ToxicModel {
  /** Identity across updates (names can be reused after removal). */
  readonly id: number
  readonly name: string
  readonly kind: ToxicKind
  /** As given (case kept); `direction` is its parsed form. */
  readonly stream: string
  readonly direction: Direction
  /** float32, not range-checked. */
  readonly toxicity: number
  /** Every attribute of the kind, 0 when unset. */
  readonly attributes: Readonly<Record<string, number>>
}

/** The API view of a toxic. */
export function toxicJson(model: ToxicModel): ToxicJson {
  return {
    attributes: { ...model.attributes },
    name: model.name,
    type: model.kind.type,
    stream: model.stream,
    toxicity: model.toxicity,
  }
}
