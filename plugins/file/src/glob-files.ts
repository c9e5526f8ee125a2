import { isAbsolute, join, resolve } from 'node:path'
import { escapePath, glob, isDynamicPattern } from 'tinyglobby'

/** A glob split at its last folder without wildcards: `data/2026/*.csv` is `data/2026` and `*.csv`. */
export interface GlobParts {
  /** The absolute folder the names are relative to. */
  base: string
  /** The pattern under `base`. */
  pattern: string
}

/** Splits a path or glob (relative to `cwd`); a path without wildcards is its folder and its escaped file name. */
export function globParts(path: string, cwd: string = process.cwd()): GlobParts {
  const normalized = path.replaceAll('\\', '/')
  const segments = normalized.split('/')
  let i = 0
  while (i < segments.length - 1 && !isDynamicPattern(segments[i]!)) i++
  const rest = segments.slice(i)
  const last = rest.length === 1 && !isDynamicPattern(rest[0]!) ? escapePath(rest[0]!) : rest.join('/')
  const folder = segments.slice(0, i).join('/') || (normalized.startsWith('/') ? '/' : '.')
  return { base: isAbsolute(folder) ? folder : resolve(cwd, folder), pattern: last }
}

/**
 * The files that match, as names relative to the glob's folder, sorted by code unit (the order
 * the file source reads them in). A folder that does not exist has none. Dot files only when the
 * pattern names them.
 */
export async function globFiles(parts: GlobParts, signal?: AbortSignal): Promise<string[]> {
  const names = await glob(parts.pattern, { cwd: parts.base, onlyFiles: true, expandDirectories: false, ...(signal ? { signal } : {}) })
  return names.sort(byName)
}

export function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The absolute path of a name of the glob. */
export function pathOf(parts: GlobParts, name: string): string {
  return join(parts.base, name)
}
