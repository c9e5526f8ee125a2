/** What `twinflow init` writes, by path relative to the project. */
export interface ProjectFilesOptions {
  /** The project's package name. */
  name: string
  /** How to depend on each Twinflow package: a version range, or a `file:` tarball. */
  spec: (name: string) => string
  /** Whether the specs are local tarballs (then every Twinflow package is pinned to its tarball through `overrides`). */
  local: boolean
  /** Names of every Twinflow package (for the overrides). */
  packages: readonly string[]
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

export function projectFiles(options: ProjectFilesOptions): Record<string, string> {
  const { spec } = options
  const packageJson = {
    name: options.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: { dev: 'twinflow dev', test: 'vitest run', typecheck: 'tsc -p tsconfig.json' },
    dependencies: { '@twinflow/core': spec('@twinflow/core'), twinflow: spec('twinflow') },
    devDependencies: { '@twinflow/testing': spec('@twinflow/testing'), '@types/node': '^20.19.0', typescript: '^7.0.2', vitest: '^3.2.7' },
    // Tarballs depend on each other by version: pin every Twinflow package to its tarball, so that
    // npm takes none of them from a registry.
    ...(options.local ? { overrides: Object.fromEntries(options.packages.map((p) => [p, spec(p)])) } : {}),
  }
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      types: ['node'],
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
    },
    include: ['src', 'test'],
  }
  const config = {
    pipeline: './src/pipeline.ts',
    // Example data until your own sources are in: past orders, then a few a second.
    sources: [{ plugin: 'generator', name: 'sample-orders', options: { stream: 'orders', backfillEvents: 5000, backfillHours: 24, ratePerSecond: 5 } }],
    batch: { schedule: '* * * * *' },
    serving: { port: 4000 },
  }
  return {
    'package.json': json(packageJson),
    'tsconfig.json': json(tsconfig),
    'twinflow.json': json(config),
    '.gitignore': 'node_modules/\n.twinflow/\n',
    'src/pipeline.ts': PIPELINE,
    'test/pipeline.spec.ts': TEST,
    'README.md': readme(options.name),
  }
}

const PIPELINE = `import { count, definePipeline, defineStream, defineView, max, sum, t } from '@twinflow/core'

/** Orders as they come in: one event each. \`ts\` is the event time (epoch ms or ISO-8601 with a zone). */
export const orders = defineStream('orders', {
  orderId: t.string(),
  shop: t.string(),
  amountCents: t.int64(),
  ts: t.eventTime(),
})

/** Revenue per shop and hour. The batch layer recomputes it from all history; the speed layer keeps the current hours. */
export const revenue = defineView('revenue', orders, {
  groupBy: (o) => ({ shop: o.shop }),
  window: '1h',
  measures: (o) => ({ orders: count(), revenueCents: sum(o.amountCents), biggestCents: max(o.amountCents) }),
})

export const pipeline = definePipeline({ streams: [orders], views: [revenue] })
`

const TEST = `import { createTestPipeline } from '@twinflow/testing'
import { expect, it } from 'vitest'
import { pipeline } from '../src/pipeline.ts'

const QUERY = \`{
  revenue(from: "2026-01-15T00:00:00Z", to: "2026-01-16T00:00:00Z", orderBy: [{ field: WINDOW_START }, { field: SHOP }]) {
    cutoff
    rows { windowStart shop orders revenueCents biggestCents }
  }
}\`

it('adds up revenue per shop and hour, from the batch layer before the cutoff and the speed layer after it', async () => {
  const tf = await createTestPipeline({ pipeline, now: '2026-01-15T12:30:00Z' })
  try {
    await tf.send('orders', [
      { orderId: 'o1', shop: 'north', amountCents: 1200, ts: '2026-01-15T10:05:00Z' },
      { orderId: 'o2', shop: 'north', amountCents: 800, ts: '2026-01-15T10:40:00Z' },
      { orderId: 'o3', shop: 'south', amountCents: 500, ts: '2026-01-15T11:15:00Z' },
      { orderId: 'o4', shop: 'north', amountCents: 300, ts: '2026-01-15T12:10:00Z' },
    ])
    // The batch version: every hour before 12:00 (the clock, and the newest order, less the allowed lateness).
    await tf.runBatch()
    await tf.send('orders', [{ orderId: 'o5', shop: 'north', amountCents: 200, ts: '2026-01-15T12:20:00Z' }])

    const { revenue } = await tf.query(QUERY)
    expect(revenue.cutoff).toBe('2026-01-15T12:00:00.000Z')
    expect(revenue.rows).toEqual([
      { windowStart: '2026-01-15T10:00:00.000Z', shop: 'north', orders: 2, revenueCents: 2000, biggestCents: 1200 },
      { windowStart: '2026-01-15T11:00:00.000Z', shop: 'south', orders: 1, revenueCents: 500, biggestCents: 500 },
      { windowStart: '2026-01-15T12:00:00.000Z', shop: 'north', orders: 2, revenueCents: 500, biggestCents: 300 },
    ])
  } finally {
    await tf.stop()
  }
})
`

function readme(name: string): string {
  return `# ${name}

A [Twinflow](https://www.npmjs.com/package/twinflow) pipeline: \`src/pipeline.ts\` declares the
streams and views, \`twinflow.json\` says where they run.

\`\`\`sh
npm install && npx twinflow dev    # every layer in one process, on embedded runtimes: prints the GraphQL URL and a query to try
npm test                           # the pipeline's tests (test/), with @twinflow/testing
\`\`\`

- \`twinflow.json\` names no runtimes, so each is the embedded one (an in-process log and store,
  ClickHouse in-process), its data in \`.twinflow/\`. Name Kafka, ClickHouse and Redis there to run
  on servers (\`twinflow check\` validates the file).
- The \`generator\` source makes sample orders so that there is something to query; replace it with
  your own sources.
- \`npm run typecheck\` checks the types.
`
}
