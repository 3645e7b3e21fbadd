import { describe, expect, test } from 'vitest'
import { linesToTags, toTags } from './blessed-tags.ts'
import { seg } from './segments.ts'
import { wantsDashboard } from './run-dashboard.ts'

describe('blessed tags', () => {
  test('tones become colour tags; text braces stay text', () => {
    expect(toTags([seg('● ', 'healthy'), seg('ratings-v1'), seg(' 50.0%', 'failing')])).toBe('{green-fg}● {/}ratings-v1{bold}{red-fg} 50.0%{/}')
    expect(toTags([seg('GET /a{b}', 'muted')])).toBe('{gray-fg}GET /a{open}b{close}{/}')
    expect(linesToTags([[seg('a')], [seg('b', 'key')]])).toBe('a\n{bold}{cyan-fg}b{/}')
  })
})

describe('dashboard or plain table', () => {
  test('the dashboard on a terminal, the table with --plain, off a terminal, or in CI', () => {
    expect(wantsDashboard(true, undefined, {})).toBe(true)
    expect(wantsDashboard(true, true, {})).toBe(false)
    expect(wantsDashboard(false, undefined, {})).toBe(false)
    expect(wantsDashboard(true, undefined, { CI: 'true' })).toBe(false)
    expect(wantsDashboard(true, undefined, { CI: 'false' })).toBe(true)
  })
})
