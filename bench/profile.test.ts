/** The --profile summary: meshdojo's own frames are found in source files and in the esbuild bundles servers run from. */
import { expect, test } from 'vitest'
import { summarizeProfile } from './profile.ts'

test("inclusive time lists meshdojo's functions, from sources and from bench bundles", () => {
  const frame = (id: number, functionName: string, url: string, hitCount: number, children: number[] = []) => ({ id, callFrame: { functionName, url, lineNumber: 0 }, hitCount, children })
  const out = summarizeProfile({
    nodes: [
      frame(1, '(root)', '', 0, [2, 4]),
      frame(2, 'serve', new URL('../node_modules/.cache/meshdojo-bench/sidecar-hop-abc.mjs', import.meta.url).href, 1, [3]),
      frame(3, 'writev', '', 2),
      frame(4, 'routeTimeoutFilter', new URL('../mesh/filters/timeout.ts', import.meta.url).href, 1),
    ],
  })
  const inclusive = out.slice(out.indexOf("Inclusive time, meshdojo's own functions"), out.indexOf('Self time by file'))
  expect(inclusive).toMatch(/serve .*sidecar-hop-abc\.mjs:1 +\| +75\.0%/)
  expect(inclusive).toMatch(/routeTimeoutFilter mesh\/filters\/timeout\.ts:1 +\| +25\.0%/)
  expect(inclusive).not.toContain('writev')
})
