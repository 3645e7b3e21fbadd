import { describe, expect, test } from 'vitest'
import { LESSON_STATE } from './test-fixtures.ts'
import { lessonView, markdownLines } from './lesson-view.ts'
import { lessonLines } from './panel-lines.ts'
import { lineText } from './segments.ts'

describe('lesson panel', () => {
  test('markdown, simply: headings bold, code coloured, bullets as •', () => {
    const lines = markdownLines('# Why\nTry **jason** with `curl`.\n- one\n  * two\n3. three\n```\nkubectl get vs\n```\n')
    expect(lines.map((l) => l.map((s) => `${s.tone}:${s.text}`).join('|'))).toEqual([
      'title:Why',
      'plain:Try |title:jason|plain: with |code:curl|plain:.',
      'plain:• |plain:one',
      'plain:  • |plain:two',
      'plain:3. |plain:three',
      'code:  kubectl get vs',
    ])
  })

  test('title, step n/N, text, hints, the last check with details, busy and what was applied', () => {
    const view = lessonView(LESSON_STATE)
    expect(view).toMatchObject({ title: 'Injecting an HTTP delay fault', progress: 'step 1/3', stepTitle: 'Delay ratings by 7s for jason', checkPassed: false, busy: 'sending 20 requests as jason…', hintsLeft: 1 })
    const text = lessonLines(view, 50, 'n next').map(lineText).join('\n')
    expect(text).toContain('hint 1: Look at the reviews timeout')
    expect(text).toContain('✘ check failed')
    expect(text).toContain('✔ jason sees the reviews error')
    expect(text).toContain('p50 was 1.02 s; expected between 5.5 s and 6.5 s')
    expect(text).toContain('⟳ sending 20 requests as jason…')
    expect(text).toContain('kind: VirtualService')
    for (const l of lessonLines(view, 30, 'n next')) expect([...lineText(l)].length).toBeLessThanOrEqual(30)
    expect(lessonView({ ...LESSON_STATE, stepIndex: -1 }).progress).toBe('intro')
    expect(lessonView({ ...LESSON_STATE, finished: true }).progress).toBe('done')
  })
})
