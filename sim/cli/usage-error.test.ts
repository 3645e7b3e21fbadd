import { describe, expect, test } from 'vitest'
import { intFlag, portFlag, UsageError } from './usage-error.ts'

describe('UsageError keeps the flag it knows as field', () => {
  test('portFlag and intFlag name the flag in the message and in field', () => {
    expect(() => portFlag('abc', '--port', 9080)).toThrow(expect.objectContaining({ code: 'MESH_USAGE', field: '--port', message: expect.stringContaining('got "abc"') }))
    expect(() => intFlag('-1', '--rps', 10, 1)).toThrow(expect.objectContaining({ code: 'MESH_USAGE', field: '--rps' }))
  })

  test('a message without a flag has no field', () => {
    expect(new UsageError('say which kind').field).toBeUndefined()
    expect(new UsageError('bad port', '--admin-port').field).toBe('--admin-port')
  })
})
