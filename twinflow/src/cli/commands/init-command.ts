import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { TwinflowError } from '@twinflow/core'
import type { Command } from '../command-context.ts'
import { projectFiles } from '../init/project-files.ts'
import { tarballName, TWINFLOW_PACKAGES } from '../init/twinflow-packages.ts'

/**
 * `twinflow init <dir> [--packages <folder>]`: a new project in `dir` (which must be empty or
 * missing) with a pipeline, a config on the embedded runtimes, a test and a README. With
 * `--packages`, it depends on the tarballs `npm run pack` wrote there (file: specs), else on this
 * Twinflow's version from the registry.
 */
export const initCommand: Command = async ({ args, options }) => {
  const target = args[0]
  if (!target) throw new TwinflowError('config', 'usage: twinflow init <dir> [--packages <folder of Twinflow tarballs>]')
  const dir = resolve(target)
  if (existsSync(dir) && (await readdir(dir)).length > 0) throw new TwinflowError('config', `${dir} is not empty: give init a new or empty directory`)
  const version = await ownVersion()
  const spec = options.packages === undefined ? () => `^${version}` : await tarballSpecs(resolve(options.packages), version)
  const name =
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[._-]+/, '') || 'twinflow-project'
  const files = projectFiles({ name, spec, local: options.packages !== undefined, packages: TWINFLOW_PACKAGES })
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), content)
  }
  console.log(`Created a Twinflow project in ${dir}:`)
  for (const path of Object.keys(files)) console.log(`  ${path}`)
  console.log(`\nNext:\n  cd ${target}\n  npm install && npx twinflow dev\n  npm test`)
  return 0
}

async function ownVersion(): Promise<string> {
  // This module is dist/cli/commands/init-command.js (or src/... when run from source): the package is three levels up.
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

async function tarballSpecs(folder: string, version: string): Promise<(name: string) => string> {
  const present = new Set(existsSync(folder) ? await readdir(folder) : [])
  const missing = TWINFLOW_PACKAGES.filter((p) => !present.has(tarballName(p, version)))
  if (missing.length > 0) {
    throw new TwinflowError(
      'config',
      `--packages ${folder} lacks the tarballs of ${missing.join(', ')} ${version} (\`npm run pack\` in the Twinflow checkout writes them to dist-packages/)`,
    )
  }
  return (name) => `file:${join(folder, tarballName(name, version))}`
}
