/**
 * The files a lesson may read: those in its own folder (and below) and in meshdojo's samples/. A path
 * in a lesson (`apply: x.yaml`, `delete: …`, `setup.apply`) is resolved against the lesson's folder and
 * then through every symbolic link, so `..`, a link or an absolute path cannot reach anything else: a
 * lesson is something people download and run, and its errors are printed.
 */
import { realpathSync, statSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { packagePath } from '../package-root.ts'

/** meshdojo's own samples/ (Istio's Bookinfo samples), which every lesson may read. */
export const SAMPLES_DIR = packagePath(import.meta.url, 'samples')

export interface LessonFolders {
  /** The folder of the lesson file, as named (relative paths resolve against it). */
  readonly lesson: string
  readonly samples: string
}

export type LessonFile =
  | { readonly ok: true; readonly file: string }
  | { readonly ok: false; readonly problem: string }

export function lessonFolders(lessonFile: string, samples = SAMPLES_DIR): LessonFolders {
  return { lesson: dirname(resolve(lessonFile)), samples: resolve(samples) }
}

/** `the lesson's folder (/x) and meshdojo's samples (/y)`, for messages. */
export const describeFolders = (f: LessonFolders): string => `the lesson's folder (${f.lesson}) and meshdojo's samples (${f.samples})`

/**
 * `ref` as written in the lesson → the real path of a regular file inside one of the folders, or why not.
 * A path outside by name is refused before the file system is asked anything, so a refusal says nothing
 * about what exists there; a path inside by name is then followed through its links and checked again.
 */
export function resolveLessonFile(ref: string, folders: LessonFolders): LessonFile {
  const refused = (how: string): LessonFile => ({ ok: false, problem: `refused: ${JSON.stringify(ref)} ${how} the folders a lesson may read files from: ${describeFolders(folders)}` })
  const full = resolve(folders.lesson, ref)
  const roots = [folders.lesson, folders.samples]
  const realRoots = roots.map(real).filter((r): r is string => r !== undefined)
  if (![...roots, ...realRoots].some((root) => inside(full, root))) return refused(isAbsolute(ref) ? 'is outside' : 'leads outside')
  let file: string
  try {
    file = realpathSync(full)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, problem: `expected inline Istio YAML or a file path relative to the scenario; no file ${full}` }
    return { ok: false, problem: `cannot read ${ref} (${code ?? 'error'})` }
  }
  if (!realRoots.some((root) => inside(file, root))) return refused('is or passes through a symbolic link that leads outside')
  if (!statSync(file).isFile()) return { ok: false, problem: `expected a file, but ${ref} is not a regular file` }
  return { ok: true, file }
}

function real(dir: string): string | undefined {
  try {
    return realpathSync(dir)
  } catch {
    return undefined // a samples/ folder that is not there: nothing can be read from it
  }
}

/** Strictly below `root` (the folder itself is not a file to read). */
function inside(path: string, root: string): boolean {
  const rel = relative(root, path)
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}
