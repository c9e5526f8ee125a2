import type { Publication } from '@twinflow/core'

/**
 * The version a new run builds: 1 + the highest version that is published (`published`, newest
 * version first, as `publications` returns them) or has a table (`tables`, built and maybe never
 * published). A version number is never reused, so a reader holding an old version can never
 * read another build under its name.
 */
export function nextVersion(published: readonly Publication[], tables: readonly number[]): number {
  let highest = published[0]?.version ?? 0
  for (const version of tables) if (version > highest) highest = version
  return highest + 1
}
