import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../../..')
const BIN = join(ROOT, 'twinflow/bin/twinflow.mjs')
// Inside the repository, so that `@twinflow/core` resolves from its node_modules as in a project.
mkdirSync(join(ROOT, '.tmp'), { recursive: true })
const base = mkdtempSync(join(ROOT, '.tmp', 'loader-'))
let projects = 0

/** A folder with a CommonJS package.json (no "type"), the given files and a twinflow.json naming `pipeline.ts`; runs `twinflow check` there. */
function check(files: Record<string, string>, config: Record<string, unknown> = {}): { code: number | null; output: string } {
  const dir = join(base, `p${++projects}`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `p${projects}`, private: true }))
  writeFileSync(join(dir, 'twinflow.json'), JSON.stringify({ pipeline: './pipeline.ts', ...config }))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  const result = spawnSync(process.execPath, [BIN, 'check'], { cwd: dir, encoding: 'utf8', env: { ...process.env, TWINFLOW_LOG_LEVEL: 'warn' } })
  return { code: result.status, output: `${result.stdout}${result.stderr}` }
}

const STREAMS = `import { defineStream, t } from '@twinflow/core'
export const sales = defineStream('sales', { shop: t.string(), cents: t.int64(), ts: t.eventTime() })
`
const VIEWS = `import { count, defineView, sum } from '@twinflow/core'
import { sales } from './streams'
export const bySales: number = 1
export const revenue = defineView('revenue', sales, { groupBy: (s) => ({ shop: s.shop }), window: '1h', measures: (s) => ({ n: count(), cents: sum(s.cents) }) })
`

describe("users' TypeScript modules (the CLI's loader)", () => {
  afterAll(() => rmSync(base, { recursive: true, force: true }))

  it('loads a pipeline from a folder whose package.json does not say "type": "module", with TypeScript-style imports', () => {
    const { code, output } = check({
      'streams.ts': STREAMS,
      'views.ts': VIEWS,
      'pipeline.ts': `import { definePipeline, type Pipeline } from '@twinflow/core'\nimport { sales } from './streams.js'\nimport { revenue } from './views'\nexport const pipeline: Pipeline = definePipeline({ streams: [sales], views: [revenue] })\n`,
    })
    expect(output).toContain('view revenue: stream sales, window 1h, keys [shop], measures [n,cents]')
    expect(code).toBe(0)
    expect(output).not.toMatch(/require\(\)|ERR_REQUIRE/)
  })

  it('reports a syntax error with its file, line and column', () => {
    const { code, output } = check({ 'pipeline.ts': `import { definePipeline } from '@twinflow/core'\n\nexport const pipeline = definePipeline({ streams: [], views: [] )\n` })
    expect(code).toBe(2)
    expect(output).toMatch(/cannot load pipeline module .*pipeline\.ts: .*pipeline\.ts:3:\d+: Expected "}" but found "\)"/s)
  })

  it('reports an import of a name another module does not export, with the importing file and line', () => {
    const { code, output } = check({
      'streams.ts': STREAMS,
      'pipeline.ts': `import { definePipeline } from '@twinflow/core'\nimport { orders } from './streams.ts'\nexport const pipeline = definePipeline({ streams: [orders], views: [] })\n`,
    })
    expect(code).toBe(2)
    expect(output).toMatch(/does not provide an export named 'orders'/)
    expect(output).toMatch(/at .*pipeline\.ts:2/)
  })

  it('loads third-party plugins named by package, and says which package it cannot find', () => {
    const files = {
      'streams.ts': STREAMS,
      'views.ts': VIEWS,
      'pipeline.ts': `import { definePipeline } from '@twinflow/core'\nimport { sales } from './streams.ts'\nimport { revenue } from './views.ts'\nexport default definePipeline({ streams: [sales], views: [revenue] })\n`,
    }
    const sinks = [{ plugin: 'ndjson-file', options: { path: 'changes.ndjson' } }]
    const found = check(files, { plugins: ['@example/twinflow-ndjson-sink'], sinks })
    expect(found.output).toContain('config OK')
    expect(found.code).toBe(0)
    const missing = check(files, { plugins: ['@example/no-such-plugin'], sinks })
    expect(missing.code).toBe(2)
    expect(missing.output).toMatch(/cannot find the plugin package "@example\/no-such-plugin" from .*\(is it installed\?\)/)
  })

  it('reports a module that exports no pipeline', () => {
    const { code, output } = check({ 'pipeline.ts': `export const notAPipeline = 1\n` })
    expect(code).toBe(2)
    expect(output).toMatch(/must export the pipeline/)
  })
})
