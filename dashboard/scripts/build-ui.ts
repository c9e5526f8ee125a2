/**
 * Bundles the dashboard (ui/) into dist/ui/: index.html, assets/dashboard.js and assets/dashboard.css,
 * minified, each with a .gz beside it that the handler serves to clients that take gzip. Every
 * asset is in the package: the page loads nothing from another origin. Prints the sizes.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = resolve(root, 'dist/ui')
rmSync(out, { recursive: true, force: true })
mkdirSync(resolve(out, 'assets'), { recursive: true })

await build({
  entryPoints: { dashboard: resolve(root, 'ui/main.tsx') },
  outdir: resolve(out, 'assets'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome111', 'firefox115', 'safari16'],
  minify: true,
  legalComments: 'none',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: resolve(root, 'ui/tsconfig.json'),
  logLevel: 'warning',
})
copyFileSync(resolve(root, 'ui/index.html'), resolve(out, 'index.html'))

for (const name of ['dashboard.js', 'dashboard.css']) {
  const file = resolve(out, 'assets', name)
  const body = readFileSync(file)
  const gz = gzipSync(body, { level: 9 })
  writeFileSync(`${file}.gz`, gz)
  console.log(`dashboard: ${name} ${(body.length / 1024).toFixed(1)} KiB, ${(gz.length / 1024).toFixed(1)} KiB gzipped`)
}
