import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startTestMesh, type TestMesh } from '../../test/support/mesh.ts'

describe('startMesh', () => {
  let mesh: TestMesh
  beforeAll(async () => {
    mesh = await startTestMesh()
  })
  afterAll(() => mesh.close())

  test('asking for a workload it does not run is a MeshError naming the workloads', () => {
    expect(() => mesh.workload('reviews-v9')).toThrow(expect.objectContaining({ code: 'MESH_UNKNOWN_WORKLOAD', message: expect.stringContaining('reviews-v2') }))
  })
})
