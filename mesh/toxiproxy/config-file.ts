/**
 * toxiproxy-server's `-config FILE`: a JSON array in the `POST /populate` format, applied at start.
 * As in Toxiproxy, a file that can't be read or populated is logged and the server runs on with
 * whatever was created before the failure.
 */
import { readFile } from 'node:fs/promises'
import { RawJson } from './bodies.ts'
import { ToxiproxyError } from './errors.ts'
import type { ServerLog } from './server-log.ts'
import type { ToxiproxyStore } from './store.ts'

/** Go's strerror texts for the ways opening a file fails. */
const OPEN_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
}

/** Populates `store` from `path`, logging the outcome with toxiproxy-server's messages. */
export async function populateFromConfigFile(store: ToxiproxyStore, path: string, log: ServerLog): Promise<void> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    if (code === 'EISDIR') {
      // Go opens a directory fine; the JSON decoder's read then fails.
      log.error('Failed to populate proxies from file', { error: `bad request body: read ${path}: is a directory` })
      return
    }
    const why = OPEN_ERRORS[code] ?? (error as Error).message
    log.error('Error reading config file', { error: `open ${path}: ${why}`, config: path })
    return
  }
  try {
    const proxies = await store.populate(new RawJson(bytes))
    log.info('Populated proxies from file', { proxies: proxies.length })
  } catch (error) {
    if (!(error instanceof ToxiproxyError)) throw error
    log.error('Failed to populate proxies from file', { error: error.detail })
  }
}
