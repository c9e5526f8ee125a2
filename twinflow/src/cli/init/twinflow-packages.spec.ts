import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TWINFLOW_PACKAGES } from './twinflow-packages.ts'

const ROOT = resolve(import.meta.dirname, '../../../..')
const manifest = (dir: string) => JSON.parse(readFileSync(resolve(ROOT, dir, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> }
const dirOf = new Map<string, string>(['core', 'batch-layer', 'speed-layer', 'serving-layer', 'report-layer', 'dashboard', 'twinflow', 'testing'].map((d) => [manifest(d).name, d]))

describe('TWINFLOW_PACKAGES', () => {
  it('lists every Twinflow package a new project gets through twinflow and @twinflow/testing', () => {
    // A package missing here has no override in a --packages project: npm looks for it in the registry.
    const reached = new Set<string>()
    const visit = (name: string) => {
      if (reached.has(name)) return
      reached.add(name)
      const dir = dirOf.get(name) ?? `plugins/${name.replace('@twinflow/plugin-', '')}`
      for (const dep of Object.keys(manifest(dir).dependencies ?? {})) if (dep === 'twinflow' || dep.startsWith('@twinflow/')) visit(dep)
    }
    visit('twinflow')
    visit('@twinflow/testing')
    expect([...reached].filter((name) => !(TWINFLOW_PACKAGES as readonly string[]).includes(name))).toEqual([])
  })
})
