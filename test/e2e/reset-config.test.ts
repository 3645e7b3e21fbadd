/**
 * A reset (dashboard `r`, admin `POST /reset`) returns the config to what the mesh started with:
 * the Bookinfo gateway, then `--config` files, then a lesson's setup. Over real sockets.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { servedBy, startTestMesh, type TestMesh } from '../support/mesh.ts'
import { SAMPLES_DIR, sample } from '../support/samples.ts'

describe('reset to the start config', () => {
  let mesh: TestMesh
  beforeAll(async () => {
    mesh = await startTestMesh({
      configFiles: [join(SAMPLES_DIR, 'destination-rule-all.yaml')],
      configTexts: [{ text: sample('virtual-service-all-v1.yaml'), label: 'lesson setup' }],
    })
  })
  afterAll(() => mesh.close())

  const names = () => mesh.config.list().map((r) => `${r.kind}/${r.meta.name}`).sort()

  test('what was applied since start is removed; the gateway, --config files and setup texts stay, and traffic follows', async () => {
    const atStart = names()
    expect(atStart).toContain('Gateway/bookinfo-gateway')
    expect(atStart).toContain('DestinationRule/reviews')
    expect(atStart).toContain('VirtualService/reviews')

    mesh.config.applyText(sample('virtual-service-reviews-v3.yaml'), 'virtual-service-reviews-v3.yaml')
    mesh.config.applyText(sample('virtual-service-ratings-test-abort.yaml'), 'virtual-service-ratings-test-abort.yaml')
    expect(servedBy((await mesh.page()).body)).toBe('v3')

    await mesh.resetConfig()
    expect(names()).toEqual(atStart)
    // The setup's all-v1 routing is in force again: every review comes from v1.
    for (let i = 0; i < 5; i++) expect(servedBy((await mesh.page()).body)).toBe('v1')
  })
})
