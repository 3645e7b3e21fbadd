/**
 * VirtualService `rewrite`: `uri` replaces the prefix that matched (or the whole path for exact and
 * regex matches), `uriRegexRewrite` substitutes, `authority` replaces Host. The query string is kept
 * and the original path goes in `x-envoy-original-path`, as Envoy does.
 */
import type { Filter } from '../filter.ts'
import type { HTTPRewrite, StringMatch } from '../control/types.ts'
import { pathOnly } from './route-match.ts'

export function rewrite(spec: HTTPRewrite, matchedUri: StringMatch | undefined): Filter {
  return (next) =>
    function rewriteFilter(req) {
      const path = pathOnly(req.path)
      const query = req.path.slice(path.length)
      let newPath = path
      if (spec.uri !== undefined) {
        newPath = matchedUri?.kind === 'prefix' ? spec.uri + path.slice(matchedUri.value.length) : spec.uri
      } else if (spec.uriRegexRewrite) {
        // Compiled at parse; replaces every match, as Envoy's regex_rewrite does.
        newPath = spec.uriRegexRewrite.replaceAll(path)
      }
      const headers = { ...req.headers }
      let authority = req.authority
      if (spec.authority !== undefined) {
        authority = spec.authority
        headers.host = spec.authority
      }
      if (newPath !== path) headers['x-envoy-original-path'] = req.path
      return next({ ...req, path: newPath + query, authority, headers })
    }
}
