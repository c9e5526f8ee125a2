import { readFile } from 'node:fs/promises'
import type { LoadHook, ResolveHook } from 'node:module'
import { fileURLToPath } from 'node:url'
import { transform, type Message } from 'esbuild'

// Module hooks (node:module `register`) that load users' TypeScript modules: pipelines, plugins.
// Rules:
// - A `.ts` or `.mts` file outside node_modules is always an ES module, whatever the nearest
//   package.json says (a folder without "type": "module" makes no difference), compiled by esbuild
//   with an inline source map. Types are erased, never checked (`tsc` checks them).
// - A relative import from such a file that Node cannot resolve is tried the way TypeScript
//   resolves it: `./x.js` as `./x.ts`, `./x.mjs` as `./x.mts`, `./x` as `./x.ts` or `./x/index.ts`.
// - A compile error is thrown as a SyntaxError that names the file, line and column.

const TYPESCRIPT = /\.m?ts$/

const candidates = (specifier: string): string[] => {
  if (specifier.endsWith('.js')) return [`${specifier.slice(0, -3)}.ts`]
  if (specifier.endsWith('.mjs')) return [`${specifier.slice(0, -4)}.mts`]
  if (/\.[cm]?[jt]sx?$|\.json$/.test(specifier)) return []
  return [`${specifier}.ts`, `${specifier.replace(/\/$/, '')}/index.ts`]
}

const isOwnTypeScript = (url: string | undefined): url is string => !!url?.startsWith('file:') && TYPESCRIPT.test(new URL(url).pathname) && !url.includes('/node_modules/')

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  try {
    return await nextResolve(specifier, context)
  } catch (error) {
    const code = (error as { code?: string }).code
    const retry = (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNSUPPORTED_DIR_IMPORT') && /^\.{1,2}\//.test(specifier) && isOwnTypeScript(context.parentURL)
    if (!retry) throw error
    for (const candidate of candidates(specifier)) {
      try {
        return await nextResolve(candidate, context)
      } catch {
        // the next candidate, then the original error
      }
    }
    throw error
  }
}

export const load: LoadHook = async (url, context, nextLoad) => {
  if (!isOwnTypeScript(url)) return nextLoad(url, context)
  const path = fileURLToPath(url)
  const source = await readFile(path, 'utf8')
  try {
    const { code } = await transform(source, { loader: 'ts', format: 'esm', sourcefile: path, sourcemap: 'inline', target: 'node20' })
    return { format: 'module', source: code, shortCircuit: true }
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors
    if (!errors?.length) throw error
    throw new SyntaxError(errors.map(describe).join('\n'))
  }
}

function describe(message: Message): string {
  const at = message.location
  if (!at) return message.text
  return `${at.file}:${at.line}:${at.column + 1}: ${message.text}\n    ${at.lineText}\n    ${' '.repeat(at.column)}^`
}
