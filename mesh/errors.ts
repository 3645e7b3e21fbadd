/**
 * Errors a user can cause or act on carry a stable code, the field at fault and the value received. Every code is
 * thrown somewhere and documented in docs/errors.md (mesh/control/codes.test.ts keeps the three in step).
 */

export type ErrorCode =
  | 'MESH_CONFIG_INVALID'
  | 'MESH_UNKNOWN_WORKLOAD'
  | 'MESH_SCENARIO_INVALID'
  | 'MESH_ADMIN_UNREACHABLE'
  | 'MESH_USAGE'
  | 'MESH_CA_INVALID'
  | 'MESH_REMOTE_BIND_REFUSED'

export class MeshError extends Error {
  override readonly name = 'MeshError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Dotted path of the config field at fault, when user input caused this. */
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
